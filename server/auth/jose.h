#pragma once

#include <QByteArray>
#include <QByteArrayView>
#include <QList>
#include <QString>

#include <utility>

// The text formats of JOSE (RFC 7515-7519): base64url without padding, and the JSON objects of
// token headers, claims and keys, read strictly (RFC 8259, every object free of repeated names).
namespace ssehub::jose {

// Canonical base64url (no padding, unused low bits zero): false for anything else, so that one
// token has exactly one spelling.
bool base64UrlDecode(QByteArrayView text, QByteArray *out);
QByteArray base64UrlEncode(QByteArrayView bytes);

// A JSON value as JOSE objects hold them. Strings are UTF-8.
struct Value
{
    enum class Kind { Null, Bool, Number, String, Array, Object };

    Kind kind = Kind::Null;
    bool boolean = false;
    double number = 0;
    QByteArray string;
    QList<Value> items; // Array
    QList<std::pair<QByteArray, Value>> members; // Object, in document order

    bool isString() const { return kind == Kind::String; }
    bool isNumber() const { return kind == Kind::Number; }
    bool isArray() const { return kind == Kind::Array; }
    bool isObject() const { return kind == Kind::Object; }
    // The member of an object; nullptr when it has none of that name (or is no object).
    const Value *member(QByteArrayView name) const;
    // An array of strings only.
    bool isStringArray() const;
};

// A JSON document that must be an object: false (and why, in *error) for invalid JSON, invalid
// UTF-8, a name given twice in any object, more than MaxDepth levels, or another top-level value.
bool parseObject(QByteArrayView json, Value *out, QString *error);

constexpr int MaxDepth = 32;

} // namespace ssehub::jose
