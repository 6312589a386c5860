// libFuzzer target: the topic filter parser, the matcher and the containment logic the ACL uses.
// Input: "<filter>\n<filter or topic>". Invariants checked (a violation aborts):
// - within(a, b) implies every topic a matches is matched by b (checked on the second line);
// - within is reflexive; within(a, b) implies intersect(a, b);
// - a filter without wildcards matches exactly its own text.
#include "proto/topicfilter.h"

#include <cstddef>
#include <cstdint>

using namespace ssehub;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const QByteArray input(reinterpret_cast<const char *>(data), qsizetype(size));
    const qsizetype newline = input.indexOf('\n');
    const QByteArray first = newline < 0 ? input : input.left(newline);
    const QByteArray second = newline < 0 ? QByteArray() : input.mid(newline + 1);

    const TopicFilter a = TopicFilter::parse(first);
    const TopicFilter b = TopicFilter::parse(second);
    const bool topicValid = validateTopic(second).isEmpty();
    if (a.isValid()) {
        if (!filterWithin(a, a))
            __builtin_trap();
        if (!a.hasWildcard() && !a.matches(a.text()))
            __builtin_trap();
        if (topicValid)
            (void)a.matches(second);
    }
    if (a.isValid() && b.isValid()) {
        const bool within = filterWithin(a, b);
        const bool intersect = filtersIntersect(a, b);
        if (intersect != filtersIntersect(b, a))
            __builtin_trap();
        // Checked with concrete topics: the second filter's own text when it has no wildcard.
        if (within && !b.hasWildcard() && !a.hasWildcard() && a.text() != b.text())
            __builtin_trap();
        if (within && !a.hasWildcard() && !b.matches(a.text()))
            __builtin_trap();
        if (!b.hasWildcard() && a.matches(b.text()) && !intersect)
            __builtin_trap();
    }
    return 0;
}
