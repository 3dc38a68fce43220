/* cloudmap boot: loads the map's scripts and styles without holding the page, then runs the
 * map's code. The header and the page's messages show at once; if the scripts are slow the
 * page says so, and if they fail it says how to get a copy that works offline.
 * window.cloudmapBoot.state(): "loading", "slow", "ready" or "failed" (tests wait on it). */
(function () {
  "use strict";

  var state = "loading";
  var queue = [];
  var failedUrl = null;

  function show(id, on) {
    var box = document.getElementById(id);
    if (box) box.hidden = !on;
  }
  function showState() {
    document.documentElement.setAttribute("data-cm-load", state);
    show("cm-loading", state === "loading");
    show("cm-slow", state === "slow");
    show("cm-fail", state === "failed");
    if (state === "failed") {
      var where = document.getElementById("cm-fail-url");
      if (where && failedUrl) where.textContent = failedUrl;
      Array.prototype.forEach.call(document.querySelectorAll(".folium-map"), function (m) {
        m.hidden = true;
      });
    }
  }
  function setState(next) {
    state = next;
    if (document.readyState === "loading") {
      document.addEventListener("DOMContentLoaded", showState);
    } else {
      showState();
    }
  }
  function ready() {
    if (state === "failed") return;
    setState("ready");
    queue.splice(0).forEach(function (fn) { fn(); });
  }

  window.cloudmapBoot = {
    state: function () { return state; },
    // Scripts run in the order given (async = false keeps it). The map's code runs once every
    // script and style has loaded: it measures its controls, which the styles size. Neither
    // holds the page (inserted by script, they block no rendering).
    load: function (scripts, styles, slowMs) {
      var pending = scripts.length + styles.length;
      if (!pending) {
        ready();
        return;
      }
      var timer = setTimeout(function () {
        if (state === "loading") setState("slow");
      }, slowMs);
      function loaded() {
        pending -= 1;
        if (!pending) {
          clearTimeout(timer);
          ready();
        }
      }
      function failed(url) {
        return function () {
          clearTimeout(timer);
          failedUrl = url;
          setState("failed");
        };
      }
      styles.forEach(function (url) {
        var link = document.createElement("link");
        link.rel = "stylesheet";
        link.href = url;
        link.onload = loaded;
        link.onerror = failed(url);
        document.head.appendChild(link);
      });
      scripts.forEach(function (url) {
        var tag = document.createElement("script");
        tag.src = url;
        tag.async = false;
        tag.onload = loaded;
        tag.onerror = failed(url);
        document.head.appendChild(tag);
      });
    },
    run: function (fn) {
      if (state === "ready") fn();
      else if (state !== "failed") queue.push(fn);
    },
  };
})();
