#pragma once

#include "publishrequest_p.h"

#include <QByteArray>
#include <QByteArrayView>

// The fast reader of publish bodies (publishjsonreader.cpp): JSON text read in one pass, values
// written back compact exactly as QJsonDocument would write them. Each read returns false when
// the text is not JSON or holds something it does not reproduce byte for byte (NotSimple);
// the caller then asks QJsonDocument. *p moves past what was read.
namespace ssehub::publishjson {

// JSON's whitespace: space, tab, LF, CR.
inline bool isSpace(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

// As QJsonDocument: a UTF-8 byte order mark is skipped when more than 3 bytes follow it.
const char *skipByteOrderMark(const char *begin, const char *end);

// Valid UTF-8 as a JSON string with its quotes, escaped as QJsonDocument escapes.
void appendString(QByteArray &out, QByteArrayView utf8);

// An event object whose '{' is already read: "topic", "type" and "payload" into *fields and
// *payload (the last of a key given twice), the other keys checked and skipped. depth: the
// arrays and objects around the object.
bool readEvent(const char **p, const char *end, int depth, PublishFields *fields,
               QByteArray *payload);

// Any JSON value, appended to out compact.
bool readValue(const char **p, const char *end, int depth, QByteArray &out);

} // namespace ssehub::publishjson
