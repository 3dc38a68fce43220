/* cloudmap timeline: every dated change is a step of the slider; Play runs through the changes of
 * the providers shown, over the time chosen; a date box goes to any day (typed or picked). */
(function () {
  "use strict";

  var cm = window.cloudmap;
  var el = cm.el;
  var DURATIONS = [[10, "10 s"], [30, "30 s"], [60, "1 min"], [120, "2 min"]]; // Play's length
  var MIN_TICK = 60; // ms: no faster than the markers can be drawn

  cm.timeline = function (app) {
    var steps = app.steps, last = app.last;
    var firstYear = Number(steps[0].slice(0, 4)), lastYear = Number(steps[last].slice(0, 4));
    var slider = el("input", { type: "range", min: "0", max: String(last), step: "1", value: String(last),
      id: "cm-slider", class: "cm-slider", "aria-label": "Date shown" });
    var dateOut = el("output", { class: "cm-date", for: "cm-slider" });
    var stepInfo = el("p", { class: "cm-hint cm-stepinfo", "aria-live": "polite" });
    var prev = el("button", { type: "button", class: "cm-small", "aria-label": "Previous change", text: "◀" });
    var next = el("button", { type: "button", class: "cm-small", "aria-label": "Next change", text: "▶" });
    var play = el("button", { type: "button", class: "cm-small cm-play", "aria-pressed": "false", text: "Play" });
    var speed = el("select", { class: "cm-select", id: "cm-play-length", title: "How long Play takes" },
      DURATIONS.map(function (d) { return el("option", { value: String(d[0]), text: d[1] }); }));
    speed.value = "30";
    var dateInput = el("input", { type: "date", class: "cm-dateinput", min: steps[0], max: steps[last],
      value: app.day, id: "cm-dateinput" });
    var body = el("div", { class: "cm-timeline" }, [
      el("p", { class: "cm-tl-head" }, ["Footprint on ", dateOut]),
      el("div", { class: "cm-tl-row" }, [prev, slider, next]),
      el("div", { class: "cm-tl-row" }, [play, el("label", { for: "cm-play-length", class: "cm-tl-label", text: "in" }), speed,
        el("label", { for: "cm-dateinput", class: "cm-tl-label", text: "Go to date" }), dateInput]),
      stepInfo]);
    var outside = ""; // a typed date outside the timeline, said once
    slider.addEventListener("input", function () { app.setStep(Number(slider.value)); });
    prev.addEventListener("click", function () { app.setStep(app.day === steps[app.step] ? app.step - 1 : app.step); });
    next.addEventListener("click", function () { app.setStep(app.step + 1); });

    // A typed date applies once its year is a year of the timeline (the field holds year 2, 20,
    // 202 while "2024" is typed); leaving the field or Enter applies any date, moved into range.
    function typed(final) {
      var v = dateInput.value, y = Number(v.slice(0, 4));
      if (!v || (!final && (y < firstYear || y > lastYear))) return;
      outside = v < steps[0] ? "The timeline starts on " + cm.humanDay(steps[0]) + "."
        : v > steps[last] ? "The timeline ends on " + cm.humanDay(steps[last]) + " (the data's date)." : "";
      app.setDay(v);
    }
    dateInput.addEventListener("input", function () { typed(false); });
    dateInput.addEventListener("change", function () { typed(false); });
    dateInput.addEventListener("keydown", function (e) {
      if (e.key === "Enter") { typed(true); dateInput.value = app.day; e.preventDefault(); }
    });
    dateInput.addEventListener("blur", function () { typed(true); dateInput.value = app.day; });

    // Play: the steps where a place of a provider shown changes
    function playSteps() {
      var days = {};
      app.places.forEach(function (p) {
        if (app.selected[p.provider]) p.history.forEach(function (h) { days[h.on] = 1; });
      });
      var out = [];
      steps.forEach(function (d, i) { if (days[d]) out.push(i); });
      return out;
    }
    function stop() {
      if (!app.playing) return;
      clearTimeout(app.playing);
      app.playing = null;
      play.textContent = "Play";
      play.setAttribute("aria-pressed", "false");
    }
    app.stopPlaying = stop;
    play.addEventListener("click", function () {
      if (app.playing) { stop(); return; }
      var list = playSteps();
      if (!list.length) return;
      var tick = Math.max(MIN_TICK, Number(speed.value) * 1000 / list.length);
      var i = 0;
      while (i < list.length && list[i] <= app.step) i += 1;
      if (i >= list.length) { i = 0; app.setStep(list[0]); }
      play.textContent = "Pause";
      play.setAttribute("aria-pressed", "true");
      function tickOnce() {
        if (i >= list.length) { stop(); return; }
        if (!app.drawing()) { app.setStep(list[i]); i += 1; }
        app.playing = setTimeout(tickOnce, tick);
      }
      app.playing = setTimeout(tickOnce, tick);
    });

    // regions whose launch is known only as "no later than" this day first show on it
    function boundedHere() {
      return app.places.filter(function (p) {
        return app.selected[p.provider] && p.bounded && app.launchedOn(p) === app.day;
      }).length;
    }
    app.on("change", function () {
      dateOut.textContent = cm.humanDay(app.day);
      slider.value = String(app.step);
      slider.setAttribute("aria-valuetext", cm.humanDay(app.day));
      if (document.activeElement !== dateInput) dateInput.value = app.day;
      prev.disabled = app.step === 0 && app.day === steps[0];
      next.disabled = app.step === last;
      var text = "Change " + (app.step + 1) + " of " + steps.length +
        (app.day !== steps[app.step] ? " (last change " + cm.humanDay(steps[app.step]) + ")" : "") + ".";
      var n = boundedHere();
      if (n) {
        text += " " + n + " " + cm.plural(n, "region appears", "regions appear") + " here only because this is the " +
          "earliest date " + cm.plural(n, "it is", "they are") + " known to be live (launch date not known, marked \u2264).";
      }
      stepInfo.textContent = (outside ? outside + " " : "") + text;
      outside = "";
    });
    cm.panel(app, "timeline", "Timeline", body, true);
  };
})();
