// `softcard trace html`: one self-contained page. The diagram is rendered here (the DOM holds
// every arrow without running script); the inline script (html_assets.cpp) adds expanding,
// filters and #xN links.
#include <algorithm>
#include <cstdio>
#include <map>

#include "decode_internal.h"
#include "html_internal.h"
#include "render_internal.h"
#include "softcard/wire/markup.h"

namespace softcard::trace {

namespace {

std::string esc(std::string_view s) {
  return wire::markup_escape(s);
}

std::string pct(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.3f%%", v);
  return buf;
}

void tree(const std::vector<Node>& nodes, std::string& out) {
  out += "<ul class=\"tree\">";
  for (const auto& n : nodes) {
    out += "<li class=\"node";
    if (n.varies) out += " varies";
    if (n.withheld) out += " withheld";
    if (!n.children.empty()) out += " branch";
    out += "\"><span class=\"k\">" + esc(n.label) + "</span>";
    if (!n.value.empty()) out += " <span class=\"v\">" + esc(n.value) + "</span>";
    if (!n.hex.empty() && n.hex.size() <= 64 * 2 && n.children.empty() &&
        n.value.find(detail::spaced_hex(from_hex(n.hex))) == std::string::npos)
      out += " <code class=\"hex\">" + esc(detail::spaced_hex(from_hex(n.hex))) + "</code>";
    if (!n.children.empty()) tree(n.children, out);
    out += "</li>";
  }
  out += "</ul>";
}

bool ok_sw(std::uint16_t sw) {
  return sw == 0x9000 || (sw >> 8) == 0x61 || (sw >> 8) == 0x62 || (sw >> 8) == 0x63;
}

bool is_generation(const Exchange& x) {
  return x.decoded.command.find("GENERATE") != std::string::npos;
}

}  // namespace

std::string html_report(const Session& s, const HtmlOptions& o) {
  using namespace detail;
  // Lanes: host processes, the reader(s), the card applets.
  std::vector<std::string> hosts = s.processes;
  if (hosts.empty()) hosts.push_back("host");
  std::vector<std::string> readers;
  for (const auto& x : s.exchanges) {
    const std::string r = x.reader.empty() ? "reader" : x.reader;
    if (std::find(readers.begin(), readers.end(), r) == readers.end()) readers.push_back(r);
  }
  if (readers.empty()) readers.push_back("reader");
  const std::size_t lanes =
      hosts.size() + readers.size() + std::max<std::size_t>(1, s.applets.size());
  auto centre = [&](std::size_t lane) { return (static_cast<double>(lane) + 0.5) * 100.0 / lanes; };
  auto host_lane = [&](const std::string& label) {
    auto it = std::find(hosts.begin(), hosts.end(), label);
    return it == hosts.end() ? std::size_t{0} : static_cast<std::size_t>(it - hosts.begin());
  };
  auto applet_lane = [&](const std::string& a) {
    auto it = std::find(s.applets.begin(), s.applets.end(), a);
    return hosts.size() + readers.size() +
           (it == s.applets.end() ? 0 : static_cast<std::size_t>(it - s.applets.begin()));
  };
  std::map<std::string, std::size_t> colour;
  for (std::size_t i = 0; i < s.applets.size(); ++i) colour[s.applets[i]] = i % 8;

  const double total = std::max<std::int64_t>(1, s.end_ns - s.start_ns);
  std::int64_t card_total = 0, generation = 0, calls_total = 0;
  for (const auto& x : s.exchanges) {
    card_total += x.card_ns;
    if (is_generation(x)) generation += x.card_ns;
  }
  for (const auto& c : s.calls)
    if (c.depth == 0) calls_total += s.events[c.event].dur_ns;

  std::string h;
  h += "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>" + esc(o.title) +
       "</title><style>" + html_css() + "</style></head><body>\n";
  h += "<header><h1>" + esc(o.title) + "</h1><p id=\"summary\">" +
       std::to_string(s.exchanges.size()) + " logical commands, " +
       std::to_string(std::count_if(s.events.begin(), s.events.end(),
                                    [](const Event& e) { return e.kind == Kind::apdu; })) +
       " APDUs, " + std::to_string(s.calls.size()) + " host calls, " +
       std::to_string(s.steps.size()) + " steps, " + esc(ms(s.end_ns - s.start_ns)) + "</p>\n";

  // Where the time went.
  h += "<section id=\"time\"><h2>Where the time went</h2><table class=\"split\">";
  auto row = [&](const std::string& what, std::int64_t ns) {
    h += "<tr><td>" + esc(what) + "</td><td class=\"num\">" + esc(ms(ns)) +
         "</td><td class=\"bar\"><span style=\"width:" + pct(100.0 * ns / total) +
         "\"></span></td></tr>";
  };
  row("whole trace", s.end_ns - s.start_ns);
  row("inside the card: key generation", generation);
  row("inside the card: other commands", card_total - generation);
  if (calls_total) row("host calls (card time included)", calls_total);
  h += "</table>";
  h += "<div id=\"axis\" title=\"each mark is one logical command, width = time in the card\">";
  for (const auto& x : s.exchanges) {
    const double left = 100.0 * (x.t_ns - s.start_ns) / total;
    const double width = std::max(0.15, 100.0 * x.card_ns / total);
    h += "<a class=\"tick c" + std::to_string(colour[x.decoded.applet]) + "\" href=\"#x" +
         std::to_string(x.number) + "\" style=\"left:" + pct(left) + ";width:" + pct(width) +
         "\" title=\"#" + std::to_string(x.number) + " " + esc(x.decoded.title) + " " +
         esc(ms(x.card_ns)) + "\"></a>";
  }
  h += "</div></section>\n";

  // Filters.
  h += "<section id=\"filters\"><span>applets:</span>";
  for (const auto& a : s.applets)
    h += "<label><input type=\"checkbox\" class=\"f-applet\" value=\"" + esc(a) +
         "\" checked> <span class=\"sw c" + std::to_string(colour[a]) + "\"></span>" + esc(a) +
         "</label>";
  h += "<span>status:</span><select id=\"f-status\"><option value=\"all\">all</option><option "
       "value=\"ok\">success only</option><option value=\"error\">errors only</option></select>"
       "<button id=\"expand-all\" type=\"button\">expand all</button><button id=\"collapse-all\" "
       "type=\"button\">collapse all</button></section></header>\n";

  // The diagram.
  h += "<main id=\"diagram\" style=\"--lanes:" + std::to_string(lanes) + "\">";
  h += "<div class=\"lanes\">";
  std::size_t lane = 0;
  for (const auto& p : hosts)
    h += "<div class=\"lane host\" style=\"left:" + pct(centre(lane++)) + "\">" + esc(p) + "</div>";
  for (const auto& r : readers)
    h += "<div class=\"lane reader\" style=\"left:" + pct(centre(lane++)) + "\">" + esc(r) +
         "</div>";
  for (const auto& a : s.applets)
    h += "<div class=\"lane applet c" + std::to_string(colour[a]) +
         "\" style=\"left:" + pct(centre(lane++)) + "\">" + esc(a) + "</div>";
  h += "</div><div class=\"lifelines\">";
  for (std::size_t i = 0; i < lanes; ++i)
    h += "<div class=\"lifeline\" style=\"left:" + pct(centre(i)) + "\"></div>";
  h += "</div>\n";

  Visitor v;
  v.step = [&](std::size_t n, const Event& e) {
    h += "<div class=\"row step\" id=\"s" + std::to_string(n) + "\"><span class=\"stepno\">" +
         std::to_string(n) + "</span> " + esc(e.text) + "</div>\n";
  };
  v.call = [&](const Call& c, const Event& e) {
    const double x = centre(host_lane(process_label(e)));
    h += "<div class=\"row call\" data-process=\"" + esc(process_label(e)) +
         "\"><span class=\"callname\" style=\"margin-left:calc(" + pct(x) + " - 0.5em)\">" +
         esc(call_text(e)) + "</span> <span class=\"dur\">" + esc(ms(e.dur_ns)) + ", " +
         std::to_string(c.exchanges) + " command" + (c.exchanges == 1 ? "" : "s") +
         "</span></div>\n";
  };
  v.exchange = [&](const Exchange& x) {
    std::string from_label = "host";
    if (x.call >= 0)
      from_label = process_label(s.events[s.calls[static_cast<std::size_t>(x.call)].event]);
    const double a = centre(host_lane(from_label));
    const double b = centre(applet_lane(x.decoded.applet));
    const bool ok = x.outcome == "answered" && ok_sw(x.decoded.sw);
    h += "<div class=\"row cmd" + std::string(x.call >= 0 ? " in-call" : "") + "\" id=\"x" +
         std::to_string(x.number) + "\" data-applet=\"" + esc(x.decoded.applet) +
         "\" data-status=\"" + (ok ? "ok" : "error") + "\">";
    h += "<div class=\"arrow c" + std::to_string(colour[x.decoded.applet]) +
         "\" style=\"left:" + pct(std::min(a, b)) + ";width:" + pct(std::abs(b - a)) +
         "\"><span class=\"label\">#" + std::to_string(x.number) + " " + esc(x.decoded.title) +
         "</span></div>";
    h += "<div class=\"ret" + std::string(ok ? "" : " bad") +
         "\" style=\"left:" + pct(std::min(a, b)) + ";width:" + pct(std::abs(b - a)) +
         "\"><span class=\"label\">" + esc(x.decoded.status) + " &middot; " + esc(ms(x.card_ns)) +
         (x.parts.size() > 1 ? " &middot; " + std::to_string(x.parts.size()) + " APDUs" : "") +
         "</span></div>";
    h += "<div class=\"details\"><div class=\"cols\"><div><h3>command</h3>";
    tree(x.decoded.command_fields, h);
    h += "</div><div><h3>response</h3>";
    if (x.decoded.response_fields.empty())
      h += "<p class=\"none\">no data</p>";
    else
      tree(x.decoded.response_fields, h);
    h += "</div></div><h3>raw APDUs" + std::string(x.redacted ? " (secret data redacted)" : "") +
         "</h3><pre class=\"raw\">";
    for (auto part : x.parts) {
      const Event& e = s.events[part];
      h += "&gt; " + esc(spaced_hex(e.command)) + "\n&lt; " + esc(spaced_hex(e.response)) + "\n";
    }
    h += "</pre>";
    for (const auto& f : x.faults) h += "<p class=\"fault\">fault: " + esc(f) + "</p>";
    h += "</div></div>\n";
  };
  v.other = [&](const Event& e) {
    h += "<div class=\"row event\">" +
         esc(std::string(to_string(e.kind)) + (e.card.empty() ? "" : " " + e.card) +
             (e.text.empty() ? "" : ": " + e.text)) +
         "</div>\n";
  };
  walk(s, v);
  h += "</main>\n<footer>softcard trace format 1 &middot; generated by <code>softcard trace "
       "html</code></footer>\n<script>" +
       html_script() + "</script></body></html>\n";
  return h;
}

}  // namespace softcard::trace
