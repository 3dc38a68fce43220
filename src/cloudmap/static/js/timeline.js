/* cloudmap timeline: every dated change is a step of the slider; Play steps through them; a date
 * box jumps to any day. */
(function () {
  "use strict";

  var cm = window.cloudmap;
  var el = cm.el;
  var PLAY_MS = 250;

  cm.timeline = function (app) {
    var steps = app.steps, last = app.last;
    var slider = el("input", { type: "range", min: "0", max: String(last), step: "1", value: String(last),
      id: "cm-slider", class: "cm-slider", "aria-label": "Date shown" });
    var dateOut = el("output", { class: "cm-date", for: "cm-slider" });
    var stepInfo = el("span", { class: "cm-hint cm-stepinfo" });
    var prev = el("button", { type: "button", class: "cm-small", "aria-label": "Previous change", text: "◀" });
    var next = el("button", { type: "button", class: "cm-small", "aria-label": "Next change", text: "▶" });
    var play = el("button", { type: "button", class: "cm-small cm-play", "aria-pressed": "false", text: "Play" });
    var dateInput = el("input", { type: "date", class: "cm-dateinput", min: steps[0], max: steps[last],
      value: app.day, id: "cm-dateinput" });
    var body = el("div", { class: "cm-timeline" }, [
      el("p", { class: "cm-tl-head" }, ["Footprint on ", dateOut]),
      el("div", { class: "cm-tl-row" }, [prev, slider, next]),
      el("div", { class: "cm-tl-row" }, [play, el("label", { for: "cm-dateinput", class: "cm-tl-label", text: "Go to date" }),
        dateInput]),
      stepInfo]);
    slider.addEventListener("input", function () { app.setStep(Number(slider.value)); });
    prev.addEventListener("click", function () { app.setStep(app.day === steps[app.step] ? app.step - 1 : app.step); });
    next.addEventListener("click", function () { app.setStep(app.step + 1); });
    dateInput.addEventListener("change", function () { if (dateInput.value) app.setDay(dateInput.value); });

    function stop() {
      if (!app.playing) return;
      clearInterval(app.playing);
      app.playing = null;
      play.textContent = "Play";
      play.setAttribute("aria-pressed", "false");
    }
    app.stopPlaying = stop;
    play.addEventListener("click", function () {
      if (app.playing) { stop(); return; }
      if (app.step === last) app.setStep(0);
      play.textContent = "Pause";
      play.setAttribute("aria-pressed", "true");
      app.playing = setInterval(function () {
        if (app.step >= last) { stop(); return; }
        if (!app.drawing()) app.setStep(app.step + 1);
      }, PLAY_MS);
    });
    app.on("change", function () {
      dateOut.textContent = cm.humanDay(app.day);
      slider.value = String(app.step);
      slider.setAttribute("aria-valuetext", cm.humanDay(app.day));
      dateInput.value = app.day;
      prev.disabled = app.step === 0 && app.day === steps[0];
      next.disabled = app.step === last;
      stepInfo.textContent = "Change " + (app.step + 1) + " of " + steps.length +
        (app.day !== steps[app.step] ? " (last change " + cm.humanDay(steps[app.step]) + ")" : "");
    });
    cm.panel(app, "timeline", "Timeline", body, true);
  };
})();
