/* servicespec stakeholder site: the index filter and zoomable drawings.
   Plain script, no library, no network: the page works without it (everything is shown,
   drawings fit the page), it only adds filtering, zooming and panning. */
(function () {
  "use strict";

  /* ---- index: filter services by text, owner and tag ---- */
  function setupFilter(form) {
    var text = form.querySelector("#filter-text");
    var owner = form.querySelector("#filter-owner");
    var tag = form.querySelector("#filter-tag");
    var status = document.getElementById("filter-count");
    var noMatch = document.getElementById("no-match");
    var tables = [document.getElementById("services"), document.getElementById("coverage")];
    var total = document.querySelectorAll("#services .service-row").length;

    function matches(row, words, ownerValue, tagValue) {
      var hay = row.getAttribute("data-search") || "";
      for (var i = 0; i < words.length; i++) {
        if (hay.indexOf(words[i]) < 0) { return false; }
      }
      if (ownerValue && row.getAttribute("data-owner") !== ownerValue) { return false; }
      if (tagValue) {
        var tags = JSON.parse(row.getAttribute("data-tags") || "[]");
        if (tags.indexOf(tagValue) < 0) { return false; }
      }
      return true;
    }

    function apply() {
      var words = text.value.toLowerCase().split(/\s+/).filter(Boolean);
      var shown = 0;
      tables.forEach(function (table, n) {
        if (!table) { return; }
        table.querySelectorAll("tbody .service-row").forEach(function (row) {
          var ok = matches(row, words, owner.value, tag.value);
          row.hidden = !ok;
          if (ok && n === 0) { shown++; }
        });
      });
      noMatch.hidden = shown !== 0;
      status.textContent = shown === total
        ? "Showing all " + total + " services."
        : "Showing " + shown + " of " + total + " services.";
      var params = new URLSearchParams();
      if (text.value) { params.set("q", text.value); }
      if (owner.value) { params.set("owner", owner.value); }
      if (tag.value) { params.set("tag", tag.value); }
      var query = params.toString();
      try {
        history.replaceState(null, "", query ? "?" + query : location.pathname);
      } catch (e) { /* file:// pages may refuse: the filter still works */ }
    }

    var initial = new URLSearchParams(location.search);
    if (initial.get("q")) { text.value = initial.get("q"); }
    if (initial.get("owner")) { owner.value = initial.get("owner"); }
    if (initial.get("tag")) { tag.value = initial.get("tag"); }
    form.addEventListener("input", apply);
    form.addEventListener("change", apply);
    form.addEventListener("submit", function (event) { event.preventDefault(); apply(); });
    apply();
  }

  /* ---- service pages: zoom and pan a drawing by changing its viewBox ---- */
  var MAX_ZOOM = 12;

  function setupZoom(figure) {
    var viewport = figure.querySelector(".viewport");
    var svg = viewport && viewport.querySelector("svg");
    var controls = figure.querySelector(".zoom-controls");
    if (!svg || !svg.viewBox || !svg.viewBox.baseVal || !svg.viewBox.baseVal.width) { return; }
    var base = svg.viewBox.baseVal;
    var home = [base.x, base.y, base.width, base.height];
    var view = home.slice();
    controls.hidden = false;
    viewport.classList.add("zoomable");

    function clamp() {
      view[2] = Math.min(home[2], Math.max(home[2] / MAX_ZOOM, view[2]));
      view[3] = view[2] * home[3] / home[2];
      view[0] = Math.min(home[0] + home[2] - view[2], Math.max(home[0], view[0]));
      view[1] = Math.min(home[1] + home[3] - view[3], Math.max(home[1], view[1]));
    }
    function show() {
      clamp();
      svg.setAttribute("viewBox", view.map(function (v) { return v.toFixed(2); }).join(" "));
      figure.setAttribute("data-zoom", (home[2] / view[2]).toFixed(2));
    }
    /* zoom by `factor` keeping the point at (fx, fy) (fractions of the view) in place */
    function zoom(factor, fx, fy) {
      var width = view[2] / factor;
      var height = width * home[3] / home[2];
      width = Math.min(home[2], Math.max(home[2] / MAX_ZOOM, width));
      height = width * home[3] / home[2];
      view[0] += (view[2] - width) * (fx === undefined ? 0.5 : fx);
      view[1] += (view[3] - height) * (fy === undefined ? 0.5 : fy);
      view[2] = width;
      view[3] = height;
      show();
    }
    function reset() { view = home.slice(); show(); }
    function pan(dxPixels, dyPixels) {
      var rect = svg.getBoundingClientRect();
      if (!rect.width) { return; }
      view[0] -= dxPixels * view[2] / rect.width;
      view[1] -= dyPixels * view[3] / rect.height;
      show();
    }

    controls.addEventListener("click", function (event) {
      var button = event.target.closest("button[data-zoom]");
      if (!button) { return; }
      var what = button.getAttribute("data-zoom");
      if (what === "in") { zoom(1.5); } else if (what === "out") { zoom(1 / 1.5); } else { reset(); }
    });
    viewport.addEventListener("wheel", function (event) {
      if (!event.ctrlKey && !event.metaKey) { return; }  /* a plain wheel scrolls the page */
      event.preventDefault();
      var rect = svg.getBoundingClientRect();
      zoom(event.deltaY < 0 ? 1.2 : 1 / 1.2, (event.clientX - rect.left) / rect.width,
           (event.clientY - rect.top) / rect.height);
    }, { passive: false });
    var drag = null;
    viewport.addEventListener("pointerdown", function (event) {
      if (event.button !== 0 || view[2] >= home[2]) { return; }
      drag = { x: event.clientX, y: event.clientY };
      viewport.classList.add("dragging");
      viewport.setPointerCapture(event.pointerId);
    });
    viewport.addEventListener("pointermove", function (event) {
      if (!drag) { return; }
      pan(event.clientX - drag.x, event.clientY - drag.y);
      drag = { x: event.clientX, y: event.clientY };
    });
    function endDrag() { drag = null; viewport.classList.remove("dragging"); }
    viewport.addEventListener("pointerup", endDrag);
    viewport.addEventListener("pointercancel", endDrag);
    viewport.addEventListener("keydown", function (event) {
      var step = 60;
      var keys = {
        "+": function () { zoom(1.5); }, "=": function () { zoom(1.5); },
        "-": function () { zoom(1 / 1.5); }, "0": reset,
        "ArrowLeft": function () { pan(step, 0); }, "ArrowRight": function () { pan(-step, 0); },
        "ArrowUp": function () { pan(0, step); }, "ArrowDown": function () { pan(0, -step); }
      };
      var action = keys[event.key];
      if (!action || (view[2] >= home[2] && event.key.indexOf("Arrow") === 0)) { return; }
      event.preventDefault();
      action();
    });
    window.addEventListener("beforeprint", reset);
  }

  document.addEventListener("DOMContentLoaded", function () {
    var form = document.getElementById("filters");
    if (form) { setupFilter(form); }
    document.querySelectorAll("figure.drawing").forEach(setupZoom);
  });
})();
