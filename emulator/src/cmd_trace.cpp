// softcard trace show|diff|html|import: read trace files (docs/trace.md).
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include "commands.h"
#include "softcard/trace/import.h"
#include "softcard/trace/render.h"

namespace softcard::cli {

namespace {

trace::Session load(const std::vector<std::string>& files) {
  std::vector<trace::Event> all;
  for (const auto& f : files) {
    auto events = trace::read_file(f);
    all.insert(all.end(), std::make_move_iterator(events.begin()),
               std::make_move_iterator(events.end()));
  }
  return trace::build_session(std::move(all));
}

void write_text(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
  out.close();
  if (!out) throw std::runtime_error(path + ": cannot write");
}

}  // namespace

void register_trace(CLI::App& app) {
  auto* cmd = app.add_subcommand(
      "trace", "Read trace files (--trace-file of run, rig and demo; Python Trace.save; imports)");
  cmd->require_subcommand(1);

  struct Options {
    std::vector<std::string> files;
    bool raw = false;
    std::string colour = "auto";
    std::string a, b;
    std::string output;
    std::string format = "auto";
    std::string log;
  };
  auto o = std::make_shared<Options>();

  auto* show = cmd->add_subcommand(
      "show", "Print a trace: one block per logical command, under its step and host call");
  show->add_option("FILE", o->files, "Trace file(s); several are merged by time")
      ->required()
      ->check(CLI::ExistingFile);
  show->add_flag("--raw", o->raw, "Only the APDUs as hex, '> ' command and '< ' response");
  show->add_option("--colour", o->colour, "auto (when stdout is a terminal), always, never")
      ->check(CLI::IsMember({"auto", "always", "never"}))
      ->capture_default_str();
  show->callback([o] {
    trace::ShowOptions so;
    so.raw = o->raw;
    so.colour = o->colour == "always" || (o->colour == "auto" && ::isatty(1));
    const std::string text = trace::show_text(load(o->files), so);
    std::fwrite(text.data(), 1, text.size(), stdout);
  });

  auto* diff = cmd->add_subcommand(
      "diff",
      "Compare two traces, normalized (challenges, signatures, serials, generated keys, times "
      "and pids do not count); exit 0 when the same, 1 when they differ, 2 on error");
  diff->add_option("A", o->a, "First trace")->required()->check(CLI::ExistingFile);
  diff->add_option("B", o->b, "Second trace")->required()->check(CLI::ExistingFile);
  diff->callback([o] {
    trace::DiffResult r;
    try {
      r = trace::diff(load({o->a}), load({o->b}));
    } catch (const std::exception& e) {
      std::fprintf(stderr, "softcard: %s\n", e.what());
      throw CLI::RuntimeError(2);
    }
    if (r.same) {
      std::printf("no difference\n");
      return;
    }
    std::fwrite(r.text.data(), 1, r.text.size(), stdout);
    throw CLI::RuntimeError(1);
  });

  auto* html = cmd->add_subcommand(
      "html",
      "Write a self-contained HTML report: sequence diagram, time axis, filters, decoded "
      "trees");
  html->add_option("FILE", o->files, "Trace file(s); several are merged by time")
      ->required()
      ->check(CLI::ExistingFile);
  html->add_option("-o,--output", o->output, "The HTML file to write")->required();
  html->callback([o] {
    trace::HtmlOptions ho;
    ho.title = "softcard trace: " + o->files.front();
    write_text(o->output, trace::html_report(load(o->files), ho));
    std::printf("%s\n", o->output.c_str());
  });

  auto* import = cmd->add_subcommand(
      "import", "Convert a `pcscd --debug --apdu` log or `pcsc-spy` output into a trace file");
  import->add_option("LOG", o->log, "The log file")->required()->check(CLI::ExistingFile);
  import->add_option("--format", o->format, "auto, pcscd or pcsc-spy")
      ->check(CLI::IsMember({"auto", "pcscd", "pcsc-spy"}))
      ->capture_default_str();
  import->add_option("-o,--output", o->output, "The trace file to write")->required();
  import->callback([o] {
    std::ifstream in(o->log, std::ios::binary);
  const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const auto events = trace::import_log(text, o->format);
  std::string out;
  for (const auto& e : events) out += trace::to_json_line(e) + "\n";
  write_text(o->output, out);
  std::fprintf(stderr, "softcard: %zu events imported\n", events.size());
});
}  // namespace softcard::cli

}  // namespace softcard::cli
