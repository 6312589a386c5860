#include "http/httprequest.h"

namespace ssehub {

HttpRequest::HttpRequest(http::RequestHead head)
    : m_head(std::move(head))
    , m_method(methodOf(m_head.method))
{
}

HttpRequest::Method HttpRequest::methodOf(const QByteArray &m)
{
    if (m == "GET")
        return Method::Get;
    if (m == "HEAD")
        return Method::Head;
    if (m == "POST")
        return Method::Post;
    if (m == "PUT")
        return Method::Put;
    if (m == "PATCH")
        return Method::Patch;
    if (m == "DELETE")
        return Method::Delete;
    if (m == "OPTIONS")
        return Method::Options;
    return Method::Other;
}

} // namespace ssehub
