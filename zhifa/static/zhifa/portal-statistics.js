// The public statistics page's bar chart, drawn from the JSON beside it. The table below it has the same numbers
// (and more), so nothing is lost without JavaScript or without ECharts.
(function () {
  "use strict";
  if (typeof window.echarts === "undefined") return;
  document.querySelectorAll("[data-chart]").forEach((element) => {
    const source = document.getElementById(element.dataset.chart);
    if (!source) return;
    const data = JSON.parse(source.textContent);
    if (!data.categories.length) return;
    element.style.height = Math.max(240, 60 + data.categories.length * 56) + "px";
    const chart = window.echarts.init(element, null, { renderer: "svg" });
    chart.setOption({
      aria: { enabled: true },
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
      legend: { top: 0 },
      grid: { left: 8, right: 16, bottom: 8, top: 40, containLabel: true },
      xAxis: { type: "value", minInterval: 1 },
      yAxis: { type: "category", data: data.categories, inverse: true, axisLabel: { width: 150, overflow: "break" } },
      series: data.series.map((s) => ({ name: s.name, type: "bar", data: s.data })),
    });
    window.addEventListener("resize", () => chart.resize());
  });
})();
