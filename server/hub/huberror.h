#pragma once

#include <QString>

#include <optional>
#include <utility>
#include <variant>

namespace ssehub {

// Why the domain (hub, broker, access rules) refused or could not do something. The domain
// knows nothing of HTTP: http/hubstatus maps each kind to a status code, and the console shows
// the message.
enum class HubError {
    InvalidArgument, // the request itself is wrong (a bad ACL document, a value out of range)
    NotFound, // no such client, subscription or stream
    Conflict, // the subscription's state does not allow it (expired past its grace period)
    LimitReached, // a client would exceed its own cap: asking for less helps, retrying does not
    Forbidden, // the access rules do not allow it
    Unavailable, // not now: the hub is full, the broker or the store cannot take it; retry later
    Internal, // a part answered something unusable (a bug or a foreign writer)
};

// A refusal: its kind and a message a user can act on.
struct HubFailure
{
    HubError error = HubError::Internal;
    QString message;
};

// The one error convention of the domain: an operation that can fail returns a HubResult, its
// value or a HubFailure; a caller cannot use the value without seeing that it has one.
template<typename T> class [[nodiscard]] HubResult
{
public:
    HubResult(T value)
        : m_data(std::in_place_index<0>, std::move(value))
    {
    }
    HubResult(HubFailure failure)
        : m_data(std::in_place_index<1>, std::move(failure))
    {
    }

    bool ok() const { return m_data.index() == 0; }
    // Only when ok().
    const T &value() const { return std::get<0>(m_data); }
    T &value() { return std::get<0>(m_data); }
    const T *operator->() const { return &value(); }
    // Only when !ok().
    const HubFailure &failure() const { return std::get<1>(m_data); }

private:
    std::variant<T, HubFailure> m_data;
};

// An operation that succeeds with nothing to return.
template<> class [[nodiscard]] HubResult<void>
{
public:
    HubResult() = default;
    HubResult(HubFailure failure)
        : m_failure(std::move(failure))
    {
    }

    bool ok() const { return !m_failure; }
    // Only when !ok().
    const HubFailure &failure() const { return *m_failure; }

private:
    std::optional<HubFailure> m_failure;
};

} // namespace ssehub
