#pragma once
// The harness trace streamed into a trace file (docs/trace.md): `--trace-file` of run, rig and
// demo, and Python's `Trace.save`. One recording path: the records (already redacted by
// FaultyCard) become trace events; the writer adds the decoded form.
#include <string>

#include "softcard/harness/trace.h"
#include "softcard/trace/event.h"
#include "softcard/trace/writer.h"

namespace softcard::harness {

// The trace event of one harness record, labelled with its card and reader.
trace::Event to_trace_event(const Record& record, const std::string& card,
                            const std::string& reader);
// A sink for Trace::set_sink that appends every record to `writer`.
RecordSink trace_file_sink(trace::Writer& writer, std::string card, std::string reader);

}  // namespace softcard::harness
