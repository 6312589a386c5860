#pragma once

// Header only: the test executables link the engine, the support library does not.
#include "auth/acl.h"

namespace ssehub::test {

// The ACL of a document; *error says why there is none (the callers check it).
inline Acl aclOf(const QByteArray &json, QString *error)
{
    const HubResult<Acl> parsed = Acl::fromJson(json);
    *error = parsed.ok() ? QString() : parsed.failure().message;
    return parsed.ok() ? parsed.value() : Acl();
}

} // namespace ssehub::test
