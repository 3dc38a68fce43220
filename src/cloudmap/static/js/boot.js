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
    // scripts run in the order given (async = false keeps it); styles never hold the page
    load: function (scripts, styles, slowMs) {
      styles.forEach(function (url) {
        var link = document.createElement("link");
        link.rel = "stylesheet";
        link.href = url;
        document.head.appendChild(link);
      });
      if (!scripts.length) {
        ready();
        return;
      }
      var pending = scripts.length;
      var timer = setTimeout(function () {
        if (state === "loading") setState("slow");
      }, slowMs);
      scripts.forEach(function (url) {
        var tag = document.createElement("script");
        tag.src = url;
        tag.async = false;
        tag.onload = function () {
          pending -= 1;
          if (!pending) {
            clearTimeout(timer);
            ready();
          }
        };
        tag.onerror = function () {
          clearTimeout(timer);
          failedUrl = url;
          setState("failed");
        };
        document.head.appendChild(tag);
      });
    },
    run: function (fn) {
      if (state === "ready") fn();
      else if (state !== "failed") queue.push(fn);
    },
  };
})();
