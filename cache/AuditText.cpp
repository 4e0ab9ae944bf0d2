#include "AuditText.h"

#include <QUuid>

#include <algorithm>

namespace Elevate::Cache {

namespace {

bool looksLikeUuid(const QString& s)
{
    return s.size() == 36 && !QUuid::fromString(s).isNull();
}

// A tracked term once per list. Terms are the set's own strings: the same term is the same
// characters in memory, so a pointer comparison finds it.
bool sameTerm(const QStringList& list, const QString& term)
{
    return std::any_of(list.begin(), list.end(), [&](const QString& t) { return t.constData() == term.constData(); });
}

} // namespace

QStringList AuditText::tokens(const QString& text)
{
    QStringList out;
    forEachToken(text, [&out](QStringView token) { out.append(token.toString()); });
    return out;
}

void AuditText::setTrackedTerms(const QSet<QString>& terms)
{
    m_trackedTerms.clear();
    m_trackedShapes.fill(0);
    m_textMemo.clear(); // its entries list the tracked terms they hold
    m_pageText.clear();
    for (const QString& term : terms) {
        if (!term.isEmpty()) {
            m_trackedTerms.insert(term);
            m_trackedShapes[trackedShapeRow(term)] |= trackedShapeBit(term);
        }
    }
}

const QString* AuditText::trackedOf(QStringView token) const
{
    // Most words are not tracked: a bit per (length, first character) rules them out without
    // hashing them.
    if (token.isEmpty() || !(m_trackedShapes[trackedShapeRow(token)] & trackedShapeBit(token))) {
        return nullptr;
    }
    const auto hit = m_trackedTerms.constFind(QString::fromRawData(token.data(), token.size()));
    return hit == m_trackedTerms.constEnd() ? nullptr : &*hit;
}

const AuditText::NamedText& AuditText::byContent(const QString& text)
{
    auto hit = m_textMemo.constFind(text);
    if (hit == m_textMemo.constEnd()) {
        if (m_textMemo.size() > 100'000) {
            m_textMemo.clear();
        }
        NamedText named;
        forEachToken(text, [&](QStringView token) {
            if (!named.joined.isEmpty()) {
                named.joined += u' ';
            }
            named.joined += token;
            if (const QString* term = trackedOf(token); term && !sameTerm(named.tracked, *term)) {
                named.tracked.append(*term);
            }
        });
        hit = m_textMemo.insert(text, named);
    }
    return *hit;
}

void AuditText::append(const AuditEvent& e, QString* out, QStringList* tracked)
{
    // A name that appears twice in one event (the user who is also the target) is indexed
    // once: the FTS index keeps neither positions nor counts. Held (not pointed to): the memo
    // may rehash or clear while this event is built.
    std::array<QString, 12> seen;
    std::size_t seenCount = 0;
    const auto track = [&](const QString& term) {
        if (!sameTerm(*tracked, term)) {
            tracked->append(term);
        }
    };
    const auto named = [&](const QString& text) {
        if (text.isEmpty()) {
            return;
        }
        NamedText part;
        if (m_inPage) {
            const StringIdentity identity(0, {&text});
            auto hit = m_pageText.constFind(identity);
            if (hit == m_pageText.constEnd()) {
                hit = m_pageText.insert(identity, byContent(text));
            }
            part = *hit;
        } else {
            part = byContent(text);
        }
        const QString& joined = part.joined;
        if (joined.isEmpty()
            || std::any_of(seen.begin(), seen.begin() + seenCount,
                           [&](const QString& s) { return s.constData() == joined.constData(); })) {
            return;
        }
        if (!out->isEmpty()) {
            *out += u' ';
        }
        *out += joined;
        if (seenCount < seen.size()) {
            seen[seenCount++] = joined;
        }
        if (tracked) {
            for (const QString& term : std::as_const(part.tracked)) {
                track(term);
            }
        }
    };
    named(e.activityDisplayName);
    if (e.initiatedByUser) {
        named(e.initiatedByUser->displayName);
        named(e.initiatedByUser->userPrincipalName);
    }
    if (e.initiatedByApp) {
        named(e.initiatedByApp->displayName);
    }
    for (const auto& t : e.targetResources) {
        named(t.displayName);
        named(t.userPrincipalName);
    }
    // Free text: tokenised each time. Detail values such as a ticket number are searchable;
    // GUIDs only bloat the index.
    const auto words = [&](const QString& text) {
        forEachToken(text, [&](QStringView token) {
            if (!out->isEmpty()) {
                *out += u' ';
            }
            *out += token;
            if (tracked && !m_trackedTerms.isEmpty()) {
                if (const QString* term = trackedOf(token)) {
                    track(*term);
                }
            }
        });
    };
    words(e.resultReason);
    for (const auto& kv : e.additionalDetails) {
        if (!looksLikeUuid(kv.value)) {
            words(kv.value);
        }
    }
}

} // namespace Elevate::Cache
