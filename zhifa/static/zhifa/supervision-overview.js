// The supervision overview's monthly chart, drawn from the JSON beside it. The table beside it has the same numbers
// (each a link to its cases), so nothing is lost without JavaScript or without ECharts.
(function () {
  "use strict";
  if (typeof window.echarts === "undefined") return;
  document.querySelectorAll("[data-chart]").forEach((element) => {
    const source = document.getElementById(element.dataset.chart);
    if (!source) return;
    const data = JSON.parse(source.textContent);
    if (!data.categories.length) return;
    const chart = window.echarts.init(element, null, { renderer: "svg" });
    chart.setOption({
      aria: { enabled: true },
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
      legend: { top: 0 },
      grid: { left: 8, right: 16, bottom: 8, top: 40, containLabel: true },
      xAxis: { type: "category", data: data.categories },
      yAxis: { type: "value", minInterval: 1 },
      series: data.series.map((s) => ({ name: s.name, type: "bar", data: s.data })),
    });
    window.addEventListener("resize", () => chart.resize());
  });
})();
