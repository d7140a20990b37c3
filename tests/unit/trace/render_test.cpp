#include <gtest/gtest.h>

#include <regex>

#include "softcard/trace/render.h"

namespace softcard::trace {
namespace {

Event apdu(std::int64_t t, const std::string& c, const std::string& r) {
  Event e;
  e.kind = Kind::apdu;
  e.t_ns = t;
  e.dur_ns = 10;
  e.card = "card";
  e.command = from_hex(c);
  e.response = from_hex(r);
  return e;
}

std::vector<Event> run(const std::string& challenge, std::int64_t t0, const std::string& pid_text) {
  Event s;
  s.kind = Kind::step;
  s.t_ns = t0 + 900;
  s.text = "[C] done in 12." + pid_text + " ms (pid " + pid_text + ")";
  return {apdu(t0, "00A4040009A0000003974254465900", "9000"),
          apdu(t0 + 100, "0084000008", challenge + "9000"), s};
}

TEST(TraceRender, DiffIgnoresChallengesTimesAndPids) {
  const auto a = build_session(run("0102030405060708", 1000, "17"));
  const auto b = build_session(run("A1A2A3A4A5A6A7A8", 5000, "4242"));
  EXPECT_TRUE(diff(a, b).same) << diff(a, b).text;
}

TEST(TraceRender, DiffReportsAChangedStatusOrCommand) {
  const auto a = build_session(run("0102030405060708", 1000, "1"));
  auto other = run("0102030405060708", 1000, "1");
  other[1].response = from_hex("6982");
  const auto r = diff(a, build_session(other));
  EXPECT_FALSE(r.same);
  EXPECT_NE(r.text.find("+ GIDS GET CHALLENGE -> 6982"), std::string::npos) << r.text;
  EXPECT_NE(r.text.find("- GIDS GET CHALLENGE -> 9000"), std::string::npos) << r.text;
}

TEST(TraceRender, ShowHasOneBlockPerLogicalCommandAndRawHex) {
  const auto s = build_session(run("0102030405060708", 1000, "1"));
  const std::string text = show_text(s, {});
  EXPECT_NE(text.find("== step 1: [C]"), std::string::npos) << text;
  EXPECT_NE(text.find("#1 GIDS  SELECT GIDS"), std::string::npos) << text;
  EXPECT_NE(text.find("#2 GIDS  GET CHALLENGE"), std::string::npos) << text;
  EXPECT_EQ(text.find("\x1b["), std::string::npos);
  ShowOptions raw;
  raw.raw = true;
  EXPECT_EQ(show_text(s, raw),
            "> 00 A4 04 00 09 A0 00 00 03 97 42 54 46 59 00\n< 90 00\n"
            "> 00 84 00 00 08\n< 01 02 03 04 05 06 07 08 90 00\n");
  ShowOptions colour;
  colour.colour = true;
  EXPECT_NE(show_text(s, colour).find("\x1b["), std::string::npos);
}

TEST(TraceRender, HtmlIsSelfContainedWithOneArrowPerLogicalCommand) {
  auto events = run("0102030405060708", 1000, "1");
  Event c;
  c.kind = Kind::call;
  c.t_ns = 950;
  c.dur_ns = 500;
  c.pid = 3;
  c.process = "client";
  c.text = "CardGetChallenge()";
  events.push_back(c);
  const std::string html = html_report(build_session(events), {});
  const std::regex arrow(R"(class="arrow )");
  EXPECT_EQ(
      std::distance(std::sregex_iterator(html.begin(), html.end(), arrow), std::sregex_iterator()),
      2);
  EXPECT_NE(html.find("CardGetChallenge()"), std::string::npos);
  EXPECT_NE(html.find("id=\"x2\""), std::string::npos);
  // No network: no external scripts, stylesheets, images or fonts.
  EXPECT_EQ(html.find("src="), std::string::npos);
  EXPECT_EQ(html.find("http"), std::string::npos);
  EXPECT_EQ(html.find("<link"), std::string::npos);
}

}  // namespace
}  // namespace softcard::trace
