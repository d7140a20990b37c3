#pragma once
// Text inside XML 1.0 and HTML markup (element content and quoted attribute values), written once
// for the certification suite's JUnit XML and the trace's HTML report.
#include <string>
#include <string_view>

namespace softcard::wire {

// & < > " ' become entity or character references (&#39; is valid in both XML and HTML). A control
// character other than TAB, LF and CR, which XML 1.0 forbids and HTML reports as a parse error,
// becomes '?'. Bytes from 0x80 pass unchanged: the text is UTF-8.
std::string markup_escape(std::string_view text);

}  // namespace softcard::wire
