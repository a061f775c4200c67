/* `servicespec serve` only: wait for the next build and reload the page.
   A long poll on /__reload answers when the build differs from the page's own. */
(function () {
  "use strict";
  var build = document.documentElement.getAttribute("data-build") || "";
  function wait(ms) { return new Promise(function (resolve) { setTimeout(resolve, ms); }); }
  async function poll() {
    for (;;) {
      try {
        var response = await fetch("/__reload?build=" + encodeURIComponent(build),
                                   { cache: "no-store" });
        if (response.ok) {
          var answer = await response.json();
          if (answer.build === "closed") { return; }  /* the server stopped */
          if (answer.build !== build) { location.reload(); return; }
        } else {
          await wait(1000);
        }
      } catch (e) {
        await wait(1000);  /* the server is restarting or gone: try again */
      }
    }
  }
  poll();
})();
