// libFuzzer target: the Last-Event-ID parser. An id that parses formats back to text that parses
// to the same number, and a formatted id never contains a character that could break a frame.
#include "proto/event.h"

#include <cstddef>
#include <cstdint>

using namespace ssehub;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const QByteArray input(reinterpret_cast<const char *>(data), qsizetype(size));
    quint64 id = 0;
    if (!parseEventId(input, &id))
        return 0;
    const QByteArray text = formatEventId(id);
    quint64 again = 0;
    if (!parseEventId(text, &again) || again != id)
        __builtin_trap();
    for (const char c : text) {
        if (!((c >= '0' && c <= '9') || c == '-'))
            __builtin_trap();
    }
    return 0;
}
