#include "softcard/wire/markup.h"

#include <gtest/gtest.h>

#include <string>

namespace softcard::wire {
namespace {

TEST(Markup, EscapesTheFiveMarkupCharacters) {
  EXPECT_EQ(markup_escape("a<b>&\"c'"), "a&lt;b&gt;&amp;&quot;c&#39;");
}

TEST(Markup, ControlsOtherThanTabLfCrBecomeQuestionMarks) {
  EXPECT_EQ(markup_escape(std::string("x\x01y\tz\n\r\x1F", 8)), "x?y\tz\n\r?");
  EXPECT_EQ(markup_escape(std::string("\0", 1)), "?");
}

TEST(Markup, Utf8AndPlainTextPassUnchanged) {
  EXPECT_EQ(markup_escape("caf\xC3\xA9 9000"), "caf\xC3\xA9 9000");
  EXPECT_EQ(markup_escape(""), "");
}

}  // namespace
}  // namespace softcard::wire
