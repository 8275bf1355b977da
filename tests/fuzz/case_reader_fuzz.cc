// libFuzzer target for the case reader: any input must give a Case or an InputError, never a
// crash, a hang or another exception. The first line, if it holds '=', is also tried as --set.
#include "input/case_reader.h"

#include <cstdint>
#include <string>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  const std::string                text(reinterpret_cast<const char *>(data), size);
  std::vector<lightbody::Override> overrides;
  const auto                       newline = text.find('\n');
  const std::string                first   = text.substr(0, newline);
  try
    {
      if (first.find('=') != std::string::npos && first.rfind("#", 0) != 0)
        overrides.push_back(lightbody::parse_override(first));
      lightbody::read_case_from_string(
        newline == std::string::npos ? text : text.substr(newline + 1), "fuzz.yaml", overrides);
    }
  catch (const lightbody::InputError &)
    {
    }
  return 0;
}
