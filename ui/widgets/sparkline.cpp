#include "sparkline.h"

#include <QPainter>
#include <QPainterPath>

#include <algorithm>

namespace ssehub {

Sparkline::Sparkline(QWidget *parent)
    : QWidget(parent)
{
    setMinimumSize(80, 24);
}

void Sparkline::setValues(QList<double> values)
{
    if (values == m_values)
        return;
    m_values = std::move(values);
    update();
}

void Sparkline::paintEvent(QPaintEvent *)
{
    if (m_values.size() < 2)
        return;
    QPainter painter(this);
    painter.setRenderHint(QPainter::Antialiasing);
    const double top = *std::max_element(m_values.cbegin(), m_values.cend());
    const double scale = top > 0 ? (height() - 4) / top : 0;
    const double step = double(width() - 2) / double(m_values.size() - 1);
    QPainterPath path;
    for (qsizetype i = 0; i < m_values.size(); ++i) {
        const QPointF p(1 + step * double(i), height() - 2 - m_values[i] * scale);
        if (i == 0)
            path.moveTo(p);
        else
            path.lineTo(p);
    }
    painter.setPen(QPen(palette().color(QPalette::Highlight), 1.5));
    painter.drawPath(path);
}

} // namespace ssehub
