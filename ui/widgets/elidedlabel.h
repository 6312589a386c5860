#pragma once

#include <QLabel>

namespace ssehub {

// A one-line title that never widens its window: it shows as much of its text as the room it is
// given holds, ending in "…", and never more room than the whole text needs (what follows it
// stays next to it).
class ElidedLabel : public QLabel
{
    Q_OBJECT

public:
    explicit ElidedLabel(QWidget *parent = nullptr);

    void setFullText(const QString &text);
    QString fullText() const { return m_full; }

protected:
    void resizeEvent(QResizeEvent *event) override;
    void changeEvent(QEvent *event) override;

private:
    void elide();

    QString m_full;
};

} // namespace ssehub
