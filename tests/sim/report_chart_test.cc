#include "sim/report_chart.h"

#include <cmath>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace swim::sim {
namespace {

using ::testing::DoubleNear;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::Pointwise;

TEST(NiceTicksTest, RoundStepsCoveringTheMaximum) {
  EXPECT_THAT(NiceTicks(998), ElementsAre(0, 200, 400, 600, 800, 1000));
  EXPECT_THAT(NiceTicks(1000), ElementsAre(0, 200, 400, 600, 800, 1000));
  EXPECT_THAT(NiceTicks(240, 8), ElementsAre(0, 50, 100, 150, 200, 250));
  EXPECT_THAT(NiceTicks(23), ElementsAre(0, 5, 10, 15, 20, 25));
  EXPECT_THAT(
      NiceTicks(1),
      Pointwise(DoubleNear(1e-12), std::vector<double>{0, .2, .4, .6, .8, 1}));
  EXPECT_THAT(NiceTicks(12), ElementsAre(0, 2.5, 5, 7.5, 10, 12.5));
  EXPECT_THAT(
      NiceTicks(0.03),
      Pointwise(DoubleNear(1e-12), std::vector<double>{0, .01, .02, .03}));
}

TEST(NiceTicksTest, EveryStepIsOneTwoTwoAndAHalfOrFiveTimesAPowerOfTen) {
  for (double max :
       {0.0007, 0.3, 3.3, 6.375, 17.25, 66.905, 249.8, 3317.0, 1.5e6, 7.7e9}) {
    const std::vector<double> t = NiceTicks(max);
    ASSERT_GE(t.size(), 2u) << max;
    EXPECT_EQ(t.front(), 0);
    EXPECT_GE(t.back(), max * (1 - 1e-9)) << max;
    EXPECT_LE(t.size(), 12u) << max;
    const double step = t[1];
    double mantissa = step / std::pow(10.0, std::floor(std::log10(step)));
    const bool round =
        std::fabs(mantissa - 1) < 1e-9 || std::fabs(mantissa - 2) < 1e-9 ||
        std::fabs(mantissa - 2.5) < 1e-9 || std::fabs(mantissa - 5) < 1e-9;
    EXPECT_TRUE(round) << max << ": step " << step;
    // No float noise in the printed ticks.
    for (double v : t) {
      EXPECT_EQ(FormatTick(v).find("0000001"), std::string::npos) << v;
      EXPECT_EQ(FormatTick(v).find("9999"), std::string::npos) << v;
    }
  }
}

TEST(NiceTicksTest, NothingToScale) {
  EXPECT_THAT(NiceTicks(0), ElementsAre(0, 1));
  EXPECT_THAT(NiceTicks(-5), ElementsAre(0, 1));
}

TEST(FormatTickTest, NoFloatNoise) {
  EXPECT_EQ(FormatTick(250), "250");
  EXPECT_EQ(FormatTick(0.1 * 3), "0.3");
  EXPECT_EQ(FormatTick(2.5), "2.5");
  EXPECT_EQ(FormatTick(1500000), "1500000");
  EXPECT_EQ(FormatTick(0), "0");
}

Chart TwoRunChart() {
  Chart c;
  c.title = "Members seen SUSPECT";
  c.x_label = "time (s)";
  c.y_label = "members";
  c.x_max = 240;
  c.series.push_back({"simulated", "#e90", false, false, {{0, 0}, {120, 5.3}}});
  c.series.push_back({"real run 1", "#e90", false, true, {{0, 0}, {120, 4.9}}});
  c.bands.push_back({25, 35, "partition", "partition {0%..50%} {50%..100%}"});
  c.bands.push_back({70, 240, "crash", "crash 14"});
  c.bands.push_back({150, 240, "liveness", "liveness"});
  return c;
}

TEST(ChartSvgTest, NamesEverySeriesAndLabelsEveryBand) {
  const std::string svg = ChartSvg(TwoRunChart());
  EXPECT_THAT(svg, HasSubstr("<h2>Members seen SUSPECT</h2>"));
  EXPECT_THAT(svg, HasSubstr(">simulated</text>"));
  EXPECT_THAT(svg, HasSubstr(">real run 1</text>"));
  EXPECT_THAT(svg, HasSubstr("stroke-dasharray=\"6 3\""));  // the real run
  EXPECT_THAT(svg, HasSubstr(">partition {0%..50%} {50%..100%}</text>"));
  EXPECT_THAT(svg, HasSubstr(">crash 14</text>"));
  EXPECT_THAT(svg, HasSubstr(">liveness</text>"));
  // Round ticks only: 0, 50, ... 200 on x (240 is the end), 0, 2, ... 6
  // on y.
  EXPECT_THAT(svg, HasSubstr(">150</text>"));
  EXPECT_THAT(svg, HasSubstr(">6</text>"));
  EXPECT_THAT(svg, Not(HasSubstr(">5.3</text>")));
  EXPECT_THAT(svg, Not(HasSubstr(">60</text>")));
}

TEST(ChartSvgTest, OverlappingBandsGoToSeparateLanes) {
  Chart one = TwoRunChart();
  one.bands.resize(1);
  Chart three = TwoRunChart();
  // The partition and the crash do not overlap; the liveness band
  // overlaps the crash, so the three need two lanes: a taller chart.
  auto height = [](const std::string& svg) {
    const size_t at = svg.find("height=\"");
    return std::stod(svg.substr(at + 8));
  };
  EXPECT_GT(height(ChartSvg(three)), height(ChartSvg(one)));
}

TEST(ChartSvgTest, EmptyChartSaysSo) {
  Chart c;
  c.title = "Metadata infection curves";
  c.empty_text = "No metadata updates.";
  EXPECT_THAT(ChartSvg(c), HasSubstr("<p>No metadata updates.</p>"));
  EXPECT_THAT(ChartSvg(c), Not(HasSubstr("<svg")));
}

TEST(ChartSvgTest, EscapesNames) {
  Chart c = TwoRunChart();
  c.series[0].name = "a<b & \"c\"";
  EXPECT_THAT(ChartSvg(c), HasSubstr("a&lt;b &amp; &quot;c&quot;"));
}

TEST(ChartSvgTest, AnAreaIsShadedBetweenItsLowsAndHighsAndNamed) {
  Chart c;
  c.title = "SUSPECT";
  c.x_max = 10;
  // Only the area: it alone sets the axes (the y axis ends at 4).
  c.areas.push_back({"simulator p10-p90", "#36c", {{0, 1, 2}, {10, 3, 4}}});
  const std::string svg = ChartSvg(c);
  EXPECT_THAT(svg, HasSubstr("<polygon fill=\"#36c\""));
  EXPECT_THAT(svg, HasSubstr(">simulator p10-p90</text>"));
  // Along the highs (2 then 4), then back along the lows (3 then 1): the
  // top of the plot (y = 4) comes second, the bottom ring closes it.
  const size_t at = svg.find("points=\"", svg.find("<polygon"));
  ASSERT_NE(at, std::string::npos);
  std::vector<double> ys;
  size_t pos = at + 8;
  for (int i = 0; i < 4; ++i) {
    const size_t comma = svg.find(',', pos);
    const size_t space = svg.find(' ', comma);
    ys.push_back(std::stod(svg.substr(comma + 1, space - comma - 1)));
    pos = space + 1;
  }
  // SVG y grows downwards: high 4 is above high 2, low 3 above low 1.
  EXPECT_LT(ys[1], ys[0]);
  EXPECT_LT(ys[1], ys[2]);
  EXPECT_LT(ys[2], ys[3]);
  EXPECT_LT(ys[0], ys[3]);
}

}  // namespace
}  // namespace swim::sim
