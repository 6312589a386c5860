#pragma once

#include <QList>
#include <QWidget>

namespace ssehub {

// A small trend line for the overview (painted; no chart library).
class Sparkline : public QWidget
{
    Q_OBJECT

public:
    explicit Sparkline(QWidget *parent = nullptr);

    void setValues(QList<double> values);
    QSize sizeHint() const override { return {120, 28}; }

protected:
    void paintEvent(QPaintEvent *event) override;

private:
    QList<double> m_values;
};

} // namespace ssehub
