#include "http/httprequest.h"

namespace ssehub {

HttpRequest::HttpRequest(http::RequestHead head)
    : m_head(std::move(head))
{
    const QByteArray &m = m_head.method;
    if (m == "GET")
        m_method = Method::Get;
    else if (m == "HEAD")
        m_method = Method::Head;
    else if (m == "POST")
        m_method = Method::Post;
    else if (m == "PUT")
        m_method = Method::Put;
    else if (m == "PATCH")
        m_method = Method::Patch;
    else if (m == "DELETE")
        m_method = Method::Delete;
    else if (m == "OPTIONS")
        m_method = Method::Options;
}

} // namespace ssehub
