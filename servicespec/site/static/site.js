/* servicespec stakeholder site: the index filter, zoomable drawings and step cards.
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
    /* the services table, then every table with a row per service (coverage, each
       library's matrix, policies): their rows name the service by `data-service` */
    var services = document.querySelectorAll("#services tbody .service-row");
    var others = document.querySelectorAll("table.by-service tbody [data-service]");
    var total = services.length;

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
      var visible = {};
      services.forEach(function (row) {
        var ok = matches(row, words, owner.value, tag.value);
        row.hidden = !ok;
        visible[row.getAttribute("data-slug")] = ok;
        if (ok) { shown++; }
      });
      others.forEach(function (row) {
        row.hidden = !visible[row.getAttribute("data-service")];
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

  /* ---- service pages: zoom and pan a drawing ----
     The drawing is sized in CSS pixels and the viewport scrolls it (native scrolling: touch,
     trackpad, scroll bars, keys). It opens readable: its smallest text at READABLE_PX, or
     filling the width when that is larger (never past its natural size only to fill).
     Zooming keeps the point under the pointer (or the middle of what is on screen) in
     place. The lane labels are a strip of the same picture that sticks to the left edge
     while the drawing is panned. */
  var READABLE_PX = 12;
  var NATURAL = 4 / 3;  /* Graphviz draws in points: 1 pt = 4/3 CSS px */
  var MAX_ZOOM = 8;

  function numbers(text) {
    return (text || "").split(" ").filter(Boolean).map(Number);
  }

  function setupZoom(figure) {
    var viewport = figure.querySelector(".viewport");
    var canvas = viewport && viewport.querySelector(".canvas");
    var drawing = canvas && canvas.querySelector("svg, img.drawing-image");
    var controls = figure.querySelector(".zoom-controls");
    var size = numbers(viewport && viewport.getAttribute("data-size"));
    if (!drawing || !controls || !(size[0] > 0) || !(size[1] > 0)) { return; }
    var minFont = Number(viewport.getAttribute("data-min-font")) || 0;
    var strip = canvas.querySelector(".lane-strip");
    var lanes = strip ? numbers(strip.getAttribute("data-lanes")) : [];
    var stripImage = strip && strip.querySelector("img");
    if (lanes.length !== 4) { strip = null; }
    var scale = 0;  /* CSS px per unit of the drawing */
    var touched = false;  /* zoomed by the reader: a resize keeps their zoom */
    controls.hidden = false;
    viewport.classList.add("zoomable");
    if (strip) { strip.hidden = false; }

    function fit() { return Math.max(viewport.clientWidth, 1) / size[0]; }
    function readable() {
      var least = minFont ? READABLE_PX / minFont : NATURAL;
      return Math.max(least, Math.min(fit(), NATURAL));
    }
    function limits(value) {
      var low = Math.min(fit(), readable());
      return Math.min(readable() * MAX_ZOOM, Math.max(low, value));
    }
    function px(value) { return value.toFixed(2) + "px"; }
    function apply(next) {
      scale = limits(next);
      drawing.style.width = px(size[0] * scale);
      drawing.style.height = px(size[1] * scale);
      drawing.style.maxWidth = "none";
      if (strip) {
        strip.style.marginLeft = px(lanes[0] * scale);
        strip.style.marginTop = px(lanes[1] * scale);
        strip.style.width = px(lanes[2] * scale);
        strip.style.height = px(lanes[3] * scale);
        stripImage.style.width = px(size[0] * scale);
        stripImage.style.height = px(size[1] * scale);
        stripImage.style.marginLeft = px(-lanes[0] * scale);
        stripImage.style.marginTop = px(-lanes[1] * scale);
      }
      figure.setAttribute("data-zoom", (scale / readable()).toFixed(2));
      panned();
    }
    function panned() {
      viewport.classList.toggle("panned", viewport.scrollLeft > 1);
    }
    /* zoom to `next`, keeping the point at (x, y) of the viewport (CSS px) in place; by
       default the middle of the part of the viewport on screen */
    function zoomTo(next, x, y) {
      var rect = viewport.getBoundingClientRect();
      if (x === undefined) {
        x = viewport.clientWidth / 2;
        var top = Math.max(rect.top, 0);
        var bottom = Math.min(rect.bottom, window.innerHeight);
        y = (bottom > top ? (top + bottom) / 2 : rect.top) - rect.top;
      }
      var old = scale;
      var ux = (viewport.scrollLeft + x) / old;
      var uy = y / old;
      apply(next);
      viewport.scrollLeft = ux * scale - x;
      window.scrollBy(0, uy * (scale - old));  /* the page grows above the point */
      touched = true;
      panned();
    }

    controls.addEventListener("click", function (event) {
      var button = event.target.closest("button[data-zoom]");
      if (!button) { return; }
      var what = button.getAttribute("data-zoom");
      if (what === "in") { zoomTo(scale * 1.5); }
      else if (what === "out") { zoomTo(scale / 1.5); }
      else if (what === "fit") { zoomTo(fit()); }
      else { zoomTo(readable()); touched = false; }
    });
    viewport.addEventListener("wheel", function (event) {
      if (!event.ctrlKey && !event.metaKey) { return; }  /* a plain wheel scrolls */
      event.preventDefault();
      var rect = viewport.getBoundingClientRect();
      zoomTo(scale * (event.deltaY < 0 ? 1.2 : 1 / 1.2), event.clientX - rect.left,
             event.clientY - rect.top);
    }, { passive: false });
    viewport.addEventListener("scroll", panned, { passive: true });
    var drag = null;
    viewport.addEventListener("pointerdown", function (event) {
      /* touch and pens scroll natively; a mouse drags */
      if (event.button !== 0 || event.pointerType !== "mouse") { return; }
      drag = { x: event.clientX, y: event.clientY };
      viewport.classList.add("dragging");
      viewport.setPointerCapture(event.pointerId);
    });
    viewport.addEventListener("pointermove", function (event) {
      if (!drag) { return; }
      viewport.scrollLeft -= event.clientX - drag.x;
      window.scrollBy(0, drag.y - event.clientY);
      drag = { x: event.clientX, y: event.clientY };
    });
    function stop() { drag = null; viewport.classList.remove("dragging"); }
    viewport.addEventListener("pointerup", stop);
    viewport.addEventListener("pointercancel", stop);
    viewport.addEventListener("keydown", function (event) {
      var keys = {
        "+": function () { zoomTo(scale * 1.5); }, "=": function () { zoomTo(scale * 1.5); },
        "-": function () { zoomTo(scale / 1.5); },
        "0": function () { zoomTo(readable()); touched = false; },
        "ArrowLeft": function () { viewport.scrollLeft -= 60; },
        "ArrowRight": function () { viewport.scrollLeft += 60; }
      };
      var action = keys[event.key];
      if (!action) { return; }
      event.preventDefault();
      action();
    });
    window.addEventListener("resize", function () { apply(touched ? scale : readable()); });
    apply(readable());
  }

  /* ---- service pages: the main journey and its scenarios as tabs ----
     The WAI-ARIA tabs pattern, selection following focus: one panel shown; Left and Right
     move to the tab before or after (round the ends), Home and End to the first and last.
     Without the script the tabs are links and the panels are stacked. An address pointing
     into a panel (`#scenario-x`, a step card `#step-3`) shows that panel and scrolls to it. */
  function setupTabs(tablist) {
    var tabs = Array.prototype.slice.call(tablist.querySelectorAll("[role=tab]"));
    var panels = tabs.map(function (tab) {
      return document.getElementById(tab.getAttribute("aria-controls"));
    });
    if (!tabs.length || panels.indexOf(null) >= 0) { return; }
    tablist.parentNode.classList.add("tabbed");

    function select(index, focus) {
      tabs.forEach(function (tab, i) {
        tab.setAttribute("aria-selected", i === index ? "true" : "false");
        tab.tabIndex = i === index ? 0 : -1;
        panels[i].hidden = i !== index;
      });
      if (focus) { tabs[index].focus(); }
      /* a drawing shown now sizes itself to its viewport, as on a resize */
      window.dispatchEvent(new Event("resize"));
    }
    /* on opening the page, and when the address changes: an address elsewhere on the page
       (a finding, a line of the spec) leaves the tab shown as it is */
    function follow(opening) {
      var id = location.hash.slice(1);
      try { id = decodeURIComponent(id); } catch (e) { /* a stray "%": the id as written */ }
      var target = id ? document.getElementById(id) : null;
      var index = -1;
      panels.forEach(function (panel, i) { if (target && panel.contains(target)) { index = i; } });
      if (index < 0) {
        if (opening) { select(0, false); }
        return;
      }
      select(index, false);
      for (var up = target.parentNode; up; up = up.parentNode) {
        if (up.tagName === "DETAILS") { up.open = true; }  /* a step card in a closed list */
      }
      target.scrollIntoView();
    }
    tablist.addEventListener("click", function (event) {
      var tab = event.target.closest("[role=tab]");
      if (!tab) { return; }
      event.preventDefault();
      select(tabs.indexOf(tab), true);
      try {  /* the address names the tab shown, without jumping to it */
        history.replaceState(null, "", tab.getAttribute("href"));
      } catch (e) { /* file:// pages may refuse: the tabs still work */ }
    });
    tablist.addEventListener("keydown", function (event) {
      var at = tabs.indexOf(event.target);
      var next = {ArrowLeft: at - 1, ArrowRight: at + 1, Home: 0, End: tabs.length - 1}[event.key];
      if (at < 0 || next === undefined) { return; }
      event.preventDefault();
      select((next + tabs.length) % tabs.length, true);
    });
    window.addEventListener("hashchange", function () { follow(false); });
    follow(true);
  }

  document.addEventListener("DOMContentLoaded", function () {
    var form = document.getElementById("filters");
    if (form) { setupFilter(form); }
    document.querySelectorAll("figure.drawing").forEach(setupZoom);
    /* on a phone the steps as cards are the reading of the journey: open them */
    if (window.matchMedia("(max-width: 47.99em)").matches) {
      document.querySelectorAll("details.step-list").forEach(function (d) { d.open = true; });
    }
    document.querySelectorAll(".journey-tabs[role=tablist]").forEach(setupTabs);
  });
})();
