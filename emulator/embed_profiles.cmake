# Writes a C++ file holding every built-in profile (name = file stem) as a raw string.
set(content "// Generated from profiles/*.json. Do not edit.\n#include \"profile/profile.h\"\n\nnamespace softcard {\n\nconst std::vector<std::pair<std::string, std::string>>& builtin_profile_texts() {\n  static const std::vector<std::pair<std::string, std::string>> texts = {\n")
foreach(f IN LISTS FILES)
  get_filename_component(stem "${f}" NAME_WE)
  file(READ "${f}" text)
  string(APPEND content "    {\"${stem}\", R\"softcard_profile(${text})softcard_profile\"},\n")
endforeach()
string(APPEND content "  };\n  return texts;\n}\n\n}  // namespace softcard\n")
file(WRITE "${OUT}" "${content}")
