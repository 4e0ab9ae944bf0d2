#pragma once

#include "AuditEvent.h"

#include <QHash>
#include <QSet>
#include <QString>
#include <QStringList>

#include <array>
#include <initializer_list>

namespace Elevate::Cache {

// Strings by identity: their data pointers and sizes (and a kind). GraphCodec's audit page
// decoder gives the events of a page one shared QString per repeated value, so a name seen
// a thousand times in a page is hashed by its pointer, not its characters. Valid only while
// the strings live: a cache keyed by it must not outlive the page that holds every string it
// names (AuditStore and AuditText clear theirs when the page is done).
struct StringIdentity
{
    static constexpr std::size_t MaxStrings = 7;
    StringIdentity(int kind, std::initializer_list<const QString*> strings)
    {
        words[0] = quintptr(qint64(kind));
        for (const QString* s : strings) {
            Q_ASSERT(count + 2 <= words.size());
            words[count++] = quintptr(s->constData());
            words[count++] = quintptr(s->size());
        }
    }
    std::array<quintptr, 1 + 2 * MaxStrings> words{};
    std::size_t count = 1;
    friend bool operator==(const StringIdentity& a, const StringIdentity& b)
    {
        return a.count == b.count && std::equal(a.words.begin(), a.words.begin() + a.count, b.words.begin());
    }
    friend size_t qHash(const StringIdentity& k, size_t seed = 0)
    {
        // Pointers and sizes, not characters: a multiply-xor mix per word is enough (and a
        // fraction of qHashRange's cost, which showed in a first sync's profile).
        quint64 h = quint64(seed) ^ (quint64(k.count) * 0x9E3779B97F4A7C15ULL);
        for (std::size_t i = 0; i < k.count; ++i) {
            h = (h ^ quint64(k.words[i])) * 0xBF58476D1CE4E5B9ULL;
            h ^= h >> 31;
        }
        return size_t(h);
    }
};

// The searchable text of audit events: what the archive's FTS index holds for each one (its
// words, case-folded, diacritics removed, joined by spaces), and which of the tracked terms
// (words common enough to get per-day counts) it holds.
//
// Names repeat across events (activities, people, roles): each is tokenised once and kept in a
// memo. Not thread-safe: each thread that builds texts has its own AuditText.
class AuditText final
{
public:
    // The searchable words of a text: runs of letters and digits, case-folded, diacritics
    // removed (compatibility decomposition without marks). The FTS index holds exactly these.
    static QStringList tokens(const QString& text);
    template <typename Sink>
    static void forEachToken(const QString& text, Sink&& sink);

    // Whether a detail value is a GUID, which the index leaves out (they only bloat it): 36
    // characters that QUuid::fromString reads as a non-null GUID (8-4-4-4-12 hex digits of
    // either case, not all zero), without building a QUuid for every detail value of every event.
    // The index depends on the answer never changing (a contentless FTS5 delete must be given
    // the words that were inserted); TestAuditStore compares it with QUuid.
    static bool isUuidValue(const QString& s);

    // The tracked terms (audit_tracked_terms); the memo is cleared, its entries list them.
    void setTrackedTerms(const QSet<QString>& terms);
    bool hasTrackedTerms() const { return !m_trackedTerms.isEmpty(); }

    // While a page is open, names are also looked up by the identity of their strings
    // (StringIdentity): the page must hold every string passed to append() until endPage().
    void beginPage() { m_inPage = true; }
    void endPage()
    {
        m_inPage = false;
        m_pageText.clear();
    }

    // Appends the text of e to out (after a space unless out is empty); tracked, when given,
    // gets the tracked terms the text holds, once each.
    void append(const AuditEvent& e, QString* out, QStringList* tracked = nullptr);

private:
    // A name's tokens joined by spaces, and the tracked terms among them.
    struct NamedText
    {
        QString joined;
        QStringList tracked;
    };
    const QString* trackedOf(QStringView token) const;
    const NamedText& byContent(const QString& text);

    QSet<QString> m_trackedTerms;
    // Per length (31: longer), a bit per first character (its low six bits) of the tracked terms.
    std::array<quint64, 32> m_trackedShapes{};
    static std::size_t trackedShapeRow(QStringView term) { return std::size_t(std::min<qsizetype>(term.size(), 31)); }
    static quint64 trackedShapeBit(QStringView term) { return quint64(1) << (term.front().unicode() & 63); }
    static constexpr qsizetype MaxMemo = 100'000; // names kept (emptied when more)
    QHash<QString, NamedText> m_textMemo;         // names seen before
    bool m_inPage = false;
    QHash<StringIdentity, NamedText> m_pageText;
};

template <typename Sink>
void AuditText::forEachToken(const QString& text, Sink&& sink)
{
    const char16_t* p = reinterpret_cast<const char16_t*>(text.utf16());
    const qsizetype n = text.size();
    const auto codePoint = [&](qsizetype i, qsizetype* units) -> char32_t {
        if (QChar::isHighSurrogate(p[i]) && i + 1 < n && QChar::isLowSurrogate(p[i + 1])) {
            *units = 2;
            return QChar::surrogateToUcs4(p[i], p[i + 1]);
        }
        *units = 1;
        return p[i];
    };
    const auto isMark = [](char32_t cp) {
        const QChar::Category cat = QChar::category(cp);
        return cat == QChar::Mark_NonSpacing || cat == QChar::Mark_SpacingCombining || cat == QChar::Mark_Enclosing;
    };
    // Lower-cased ASCII tokens are built here, without an allocation per token.
    std::array<char16_t, 64> lowered;
    qsizetype i = 0;
    while (i < n) {
        const qsizetype start = i;
        bool plain = true; // only ASCII letters and digits
        bool upper = false;
        while (i < n) {
            const char16_t c = p[i];
            if (c < 0x80) {
                if ((c >= u'a' && c <= u'z') || (c >= u'0' && c <= u'9')) {
                    ++i;
                } else if (c >= u'A' && c <= u'Z') {
                    upper = true;
                    ++i;
                } else {
                    break;
                }
                continue;
            }
            qsizetype units = 1;
            const char32_t cp = codePoint(i, &units);
            // A combining mark continues a word; it never starts one.
            if (QChar::isLetterOrNumber(cp) || (i > start && isMark(cp))) {
                plain = false;
                i += units;
            } else {
                break;
            }
        }
        if (i == start) {
            qsizetype units = 1;
            codePoint(i, &units);
            i += units; // a separator
            continue;
        }
        const QStringView token(p + start, i - start);
        if (!plain) {
            // Fold: compatibility decomposition, keep letters and digits (drops the marks that
            // carried the diacritics), then full case folding.
            const QList<uint> points = token.toString().normalized(QString::NormalizationForm_KD).toUcs4();
            QString kept;
            for (const uint cp : points) {
                if (QChar::isLetterOrNumber(char32_t(cp))) {
                    kept += QString::fromUcs4(reinterpret_cast<const char32_t*>(&cp), 1);
                }
            }
            kept = std::move(kept).toCaseFolded();
            if (!kept.isEmpty()) {
                sink(QStringView(kept));
            }
        } else if (upper && token.size() <= qsizetype(lowered.size())) {
            for (qsizetype k = 0; k < token.size(); ++k) {
                const char16_t c = token[k].unicode();
                lowered[std::size_t(k)] = (c >= u'A' && c <= u'Z') ? char16_t(c + (u'a' - u'A')) : c;
            }
            sink(QStringView(lowered.data(), token.size()));
        } else if (upper) {
            const QString lower = token.toString().toLower();
            sink(QStringView(lower));
        } else {
            sink(token);
        }
    }
}

} // namespace Elevate::Cache
