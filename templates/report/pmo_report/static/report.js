/* Upgrade each static chart to an interactive one (tooltips) with the vega bundle
   embedded in this page. Where JavaScript or vega is unavailable, or a chart fails,
   the static SVG stays. When every chart has settled, <html data-charts="ready">. */
(function () {
  "use strict";
  var root = document.documentElement;
  function ready() { root.setAttribute("data-charts", "ready"); }
  try {
    if (typeof window.vegaEmbed !== "function") { ready(); return; }
    var figures = Array.prototype.slice.call(document.querySelectorAll("figure.pmo-chart"));
    var options = { renderer: "svg", actions: false, logLevel: 1 };
    var locale = document.getElementById("pmo-vega-locale");  // the report language's numbers and dates
    if (locale) {
      locale = JSON.parse(locale.textContent);
      if (locale.format) { options.formatLocale = locale.format; }
      if (locale.time) { options.timeFormatLocale = locale.time; }
    }
    Promise.all(figures.map(function (figure) {
      return Promise.resolve().then(function () {
        var spec = JSON.parse(figure.querySelector("script.pmo-chart-spec").textContent);
        var target = document.createElement("div");
        return window.vegaEmbed(target, spec, options)
          .then(function () {
            target.className = "pmo-chart-view";
            figure.querySelector(".pmo-chart-view").replaceWith(target);
            figure.setAttribute("data-rendered", "interactive");
          });
      }).catch(function (error) {
        figure.setAttribute("data-rendered", "static");
        figure.setAttribute("data-error", String(error));
      });
    })).then(ready, ready);
  } catch (error) {
    root.setAttribute("data-error", String(error));
    ready();
  }
})();
