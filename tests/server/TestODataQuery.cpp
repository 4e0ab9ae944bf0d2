// The OData query subset of elevated: option parsing, the $filter parser, the SQL compiler, and
// the compiled SQL run against a real in-memory SQLite database.

#include "ODataFieldMap.h"
#include "ODataQuery.h"
#include "ODataSqlCompiler.h"

#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QTest>
#include <QUrl>
#include <QUrlQuery>

using namespace Elevate;
using namespace Elevate::Server;
using namespace Qt::StringLiterals;

Q_DECLARE_METATYPE(Elevate::Server::ODataError::Kind)

namespace {

constexpr auto TargetsExists = "EXISTS (SELECT 1 FROM audit_targets AS tr WHERE tr.audit_id = a.id AND %1)";

// directoryAudit as a route would map it onto the test table `audit AS a`.
ODataFieldMap auditFields()
{
    ODataFieldMap targets;
    targets.addField(u"id"_s, u"tr.target_id"_s, FieldType::String)
        .addField(u"displayName"_s, u"tr.display_name"_s, FieldType::String)
        .addField(u"type"_s, u"tr.type"_s, FieldType::EnumString);

    ODataFieldMap audit;
    audit.addField(u"id"_s, u"a.id"_s, FieldType::String, FilterOperator::Eq | FilterOperator::Ne | FilterOperator::In)
        .addField(u"sequence"_s, u"a.seq"_s, FieldType::Int)
        .addField(u"category"_s, u"a.category"_s, FieldType::EnumString)
        .addField(u"correlationId"_s, u"a.correlation_id"_s, FieldType::String)
        .addField(u"result"_s, u"a.result"_s, FieldType::EnumString)
        .addField(u"activityDisplayName"_s,
                  u"a.activity_display_name"_s,
                  FieldType::String,
                  FilterOperator::Eq | FilterOperator::StartsWith)
        .addField(u"activityDateTime"_s, u"a.activity_date_time"_s, FieldType::DateTime)
        .addField(u"loggedByService"_s, u"a.logged_by_service"_s, FieldType::EnumString)
        .addField(u"initiatedBy/user/id"_s, u"a.initiator_user_id"_s, FieldType::String)
        .addField(u"initiatedBy/user/displayName"_s, u"a.initiator_user_name"_s, FieldType::String)
        .addField(u"initiatedBy/app/appId"_s, u"a.initiator_app_id"_s, FieldType::String)
        .addCollection(u"targetResources"_s, QString::fromLatin1(TargetsExists), targets)
        .addSelectable(u"resultReason"_s)
        .addSelectable(u"operationType"_s);
    return audit;
}

// unifiedRoleDefinition over `role_definitions AS r`.
ODataFieldMap roleFields()
{
    ODataFieldMap roles;
    roles.addField(u"id"_s, u"r.id"_s, FieldType::String, FilterOperator::Eq | FilterOperator::In)
        .addField(u"displayName"_s, u"r.display_name"_s, FieldType::String)
        .addField(u"isBuiltIn"_s, u"r.is_built_in"_s, FieldType::Bool)
        .addField(u"isEnabled"_s, u"r.is_enabled"_s, FieldType::Bool);
    return roles;
}

const ODataSqlCompiler& auditCompiler()
{
    static const ODataSqlCompiler compiler(auditFields());
    return compiler;
}

const ODataSqlCompiler& compilerFor(const QString& resource)
{
    static const ODataSqlCompiler roles(roleFields());
    return resource == u"roles" ? roles : auditCompiler();
}

QString fixed(const char* iso)
{
    return ODataSqlCompiler::sqlDateTime(*Timestamp::fromIso(QString::fromLatin1(iso)));
}

QString exists(const QString& predicate)
{
    return QString::fromLatin1(TargetsExists).arg(predicate);
}

// Parses and compiles; on failure returns the first error.
ODataResult<SqlFragment> compile(const QString& filter, const QString& resource = u"audit"_s)
{
    const auto tree = parseODataFilter(filter, ODataLimits{});
    if (!tree) {
        return tree.error();
    }
    return compilerFor(resource).compileFilter(*tree);
}

QString describe(const ODataError& error)
{
    return u"[%1/%2] %3 (target %4)"_s.arg(error.code)
        .arg(static_cast<int>(error.kind))
        .arg(error.message, error.target);
}

struct AuditRow
{
    const char* id;
    int sequence;
    const char* category;
    const char* correlationId;
    const char* result;
    const char* activityDisplayName;
    const char* activityDateTime; // as Graph prints it: 0-7 fractional digits
    const char* loggedByService;
    const char* userId;
    const char* userName;
    const char* appId;
};

QVariant text(const char* value)
{
    return value ? QVariant(QString::fromUtf8(value)) : QVariant(QMetaType::fromType<QString>());
}

} // namespace

class TestODataQuery final : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void cleanupTestCase();

    void topAndSkip_data();
    void topAndSkip();
    void otherOptions();
    void optionErrors_data();
    void optionErrors();
    void expand();

    void compileFilter_data();
    void compileFilter();
    void parseTree();
    void filterErrors_data();
    void filterErrors();
    void limits();
    void injectionStaysInBindings_data();
    void injectionStaysInBindings();

    void orderBy();
    void select();
    void sqlDateTime_data();
    void sqlDateTime();

    void sqliteFilter_data();
    void sqliteFilter();
    void sqliteInjection_data();
    void sqliteInjection();
    void sqliteFromUrl_data();
    void sqliteFromUrl();

private:
    QStringList runAudit(const SqlFragment& where,
                         const QString& orderBy = u"a.id ASC"_s,
                         qint64 limit = -1,
                         qint64 offset = 0) const;
    int countRows(const QString& table) const;

    QString m_connection;
};

// ---- options ------------------------------------------------------------------------------

void TestODataQuery::topAndSkip_data()
{
    QTest::addColumn<QString>("query");
    QTest::addColumn<qint64>("maxPageSize");
    QTest::addColumn<qint64>("top"); // -1: absent
    QTest::addColumn<qint64>("skip");

    QTest::newRow("none") << u""_s << qint64(999) << qint64(-1) << qint64(0);
    QTest::newRow("top") << u"$top=10"_s << qint64(999) << qint64(10) << qint64(0);
    QTest::newRow("top zero") << u"$top=0"_s << qint64(999) << qint64(0) << qint64(0);
    QTest::newRow("top at max") << u"$top=999"_s << qint64(999) << qint64(999) << qint64(0);
    QTest::newRow("top 10^9 clamped") << u"$top=1000000000"_s << qint64(999) << qint64(999) << qint64(0);
    QTest::newRow("top beyond int64 clamped")
        << u"$top=123456789012345678901234567890"_s << qint64(999) << qint64(999) << qint64(0);
    QTest::newRow("top clamped to caller max") << u"$top=500"_s << qint64(100) << qint64(100) << qint64(0);
    QTest::newRow("leading zeros") << u"$top=007&$skip=0020"_s << qint64(999) << qint64(7) << qint64(20);
    QTest::newRow("skip") << u"$skip=40&$top=20"_s << qint64(999) << qint64(20) << qint64(40);
    QTest::newRow("percent-encoded names") << u"%24top=5&%24skip=3"_s << qint64(999) << qint64(5) << qint64(3);
    QTest::newRow("option names are case-insensitive") << u"$TOP=5&$Skip=3"_s << qint64(999) << qint64(5) << qint64(3);
    QTest::newRow("non-$ parameters ignored")
        << u"api-version=2&top=abc&$top=4"_s << qint64(999) << qint64(4) << qint64(0);
}

void TestODataQuery::topAndSkip()
{
    QFETCH(QString, query);
    QFETCH(qint64, maxPageSize);
    QFETCH(qint64, top);
    QFETCH(qint64, skip);

    ODataLimits limits;
    limits.maxPageSize = maxPageSize;
    const auto parsed = ODataQuery::fromQuery(QUrlQuery(query), limits);
    QVERIFY2(parsed.ok(), qPrintable(parsed.ok() ? QString() : describe(parsed.error())));
    QCOMPARE(parsed->top.value_or(-1), top);
    QCOMPARE(parsed->skip, skip);
    QCOMPARE(parsed->pageSize(100), top < 0 ? qint64(100) : top);
}

void TestODataQuery::otherOptions()
{
    const QUrl url(u"https://localhost/v1.0/auditLogs/directoryAudits?%24filter=loggedByService%20eq%20%27PIM%27"
                   "&%24orderby=activityDateTime%20desc,%20id&%24select=id,activityDateTime,initiatedBy,*"
                   "&%24count=true&%24skiptoken=abc%3D%3D&%24top=50"_s);
    const auto parsed = ODataQuery::fromUrl(url);
    QVERIFY2(parsed.ok(), qPrintable(parsed.ok() ? QString() : describe(parsed.error())));
    QCOMPARE(parsed->filterText, u"loggedByService eq 'PIM'"_s);
    QVERIFY(parsed->filter.has_value());
    QCOMPARE(parsed->filter->kind, FilterNode::Kind::Predicate);
    QCOMPARE(parsed->orderBy.size(), 2);
    QCOMPARE(parsed->orderBy[0], (OrderByItem{ u"activityDateTime"_s, true }));
    QCOMPARE(parsed->orderBy[1], (OrderByItem{ u"id"_s, false }));
    QVERIFY2(parsed->select.isEmpty(), "* selects everything");
    QCOMPARE(parsed->count, true);
    QCOMPARE(parsed->skipToken, u"abc=="_s);
    QCOMPARE(parsed->top, std::optional<qint64>(50));

    const auto select = ODataQuery::fromQuery(QUrlQuery(u"$select=id, displayName,id&$count=false"_s));
    QVERIFY(select.ok());
    QCOMPARE(select->select, (QStringList{ u"id"_s, u"displayName"_s }));
    QCOMPARE(select->count, false);
    QVERIFY(!select->filter.has_value());
}

void TestODataQuery::optionErrors_data()
{
    QTest::addColumn<QString>("query");
    QTest::addColumn<ODataError::Kind>("kind");
    QTest::addColumn<QString>("target");

    const auto invalid = ODataError::Kind::InvalidOption;
    QTest::newRow("negative top") << u"$top=-1"_s << invalid << u"$top"_s;
    QTest::newRow("non-numeric top") << u"$top=ten"_s << invalid << u"$top"_s;
    QTest::newRow("decimal top") << u"$top=1.5"_s << invalid << u"$top"_s;
    QTest::newRow("plus top") << u"$top=%2B5"_s << invalid << u"$top"_s;
    QTest::newRow("empty top") << u"$top="_s << invalid << u"$top"_s;
    QTest::newRow("hex top") << u"$top=0x10"_s << invalid << u"$top"_s;
    QTest::newRow("negative skip") << u"$skip=-5"_s << invalid << u"$skip"_s;
    QTest::newRow("non-numeric skip") << u"$skip=abc"_s << invalid << u"$skip"_s;
    QTest::newRow("spaced skip") << u"$skip=%201"_s << invalid << u"$skip"_s;
    QTest::newRow("repeated top") << u"$top=1&$top=2"_s << invalid << u"$top"_s;
    QTest::newRow("repeated filter, other case")
        << u"$filter=id%20eq%20'a'&$FILTER=id%20eq%20'b'"_s << invalid << u"$filter"_s;
    QTest::newRow("unknown option") << u"$search=foo"_s << invalid << u"$search"_s;
    QTest::newRow("format") << u"$format=json"_s << invalid << u"$format"_s;
    QTest::newRow("count yes") << u"$count=yes"_s << invalid << u"$count"_s;
    QTest::newRow("count TRUE") << u"$count=TRUE"_s << invalid << u"$count"_s;
    QTest::newRow("orderby direction") << u"$orderby=activityDateTime%20sideways"_s << invalid << u"$orderby"_s;
    QTest::newRow("orderby empty item") << u"$orderby=id,,activityDateTime"_s << invalid << u"$orderby"_s;
    QTest::newRow("orderby empty") << u"$orderby="_s << invalid << u"$orderby"_s;
    QTest::newRow("orderby twice") << u"$orderby=id,id%20desc"_s << invalid << u"$orderby"_s;
    QTest::newRow("orderby expression") << u"$orderby=length(id)"_s << invalid << u"$orderby"_s;
    QTest::newRow("orderby too many") << u"$orderby=a,b,c,d,e,f,g,h,i"_s << ODataError::Kind::LimitExceeded
                                      << u"$orderby"_s;
    QTest::newRow("select path") << u"$select=initiatedBy/user"_s << invalid << u"$select"_s;
    QTest::newRow("select empty") << u"$select="_s << invalid << u"$select"_s;
    QTest::newRow("select injection") << u"$select=id;DROP%20TABLE%20audit"_s << invalid << u"$select"_s;
    QTest::newRow("expand unbalanced") << u"$expand=policy($expand=rules"_s << invalid << u"$expand"_s;
    QTest::newRow("expand unknown nested option")
        << u"$expand=policy($filter=id%20eq%201)"_s << invalid << u"$expand"_s;
    QTest::newRow("expand trailing text") << u"$expand=policy(%24select=id)x"_s << invalid << u"$expand"_s;
    QTest::newRow("expand too deep") << u"$expand=a($expand=b($expand=c($expand=d)))"_s
                                     << ODataError::Kind::LimitExceeded << u"$expand"_s;
    QTest::newRow("empty skiptoken") << u"$skiptoken="_s << invalid << u"$skiptoken"_s;
    QTest::newRow("empty filter") << u"$filter="_s << ODataError::Kind::Syntax << u"$filter"_s;
    QTest::newRow("bad filter") << u"$filter=id%20eq"_s << ODataError::Kind::Syntax << u"$filter"_s;
}

void TestODataQuery::optionErrors()
{
    QFETCH(QString, query);
    QFETCH(ODataError::Kind, kind);
    QFETCH(QString, target);

    const auto parsed = ODataQuery::fromQuery(QUrlQuery(query));
    QVERIFY(!parsed.ok());
    QCOMPARE(parsed.error().code, u"BadRequest"_s);
    QCOMPARE(parsed.error().kind, kind);
    QCOMPARE(parsed.error().target, target);
    QVERIFY(!parsed.error().message.isEmpty());
}

void TestODataQuery::expand()
{
    const auto parsed = ODataQuery::fromQuery(
        QUrlQuery(u"$expand=policy(%24expand%3Drules;%24select=id,rules),roleDefinition,principal"_s));
    QVERIFY2(parsed.ok(), qPrintable(parsed.ok() ? QString() : describe(parsed.error())));
    QCOMPARE(parsed->expand.size(), std::size_t(3));
    QCOMPARE(parsed->expand[0].property, u"policy"_s);
    QCOMPARE(parsed->expand[0].select, (QStringList{ u"id"_s, u"rules"_s }));
    QCOMPARE(parsed->expand[0].expand.size(), std::size_t(1));
    QCOMPARE(parsed->expand[0].expand[0].property, u"rules"_s);
    QCOMPARE(parsed->expand[1].property, u"roleDefinition"_s);
    QCOMPARE(parsed->expand[2].property, u"principal"_s);

    const QStringList allowed{ u"policy"_s, u"policy/rules"_s, u"roleDefinition"_s, u"principal"_s };
    QVERIFY(!parsed->checkExpand(allowed).has_value());

    const auto error = parsed->checkExpand({ u"policy"_s, u"roleDefinition"_s, u"principal"_s });
    QVERIFY(error.has_value());
    QCOMPARE(error->kind, ODataError::Kind::UnknownField);
    QCOMPARE(error->target, u"policy/rules"_s);

    const auto unknownTop = ODataQuery::fromQuery(QUrlQuery(u"$expand=manager"_s));
    QVERIFY(unknownTop.ok());
    QCOMPARE(unknownTop->checkExpand(allowed)->target, u"manager"_s);
}

// ---- $filter to SQL -----------------------------------------------------------------------

void TestODataQuery::compileFilter_data()
{
    QTest::addColumn<QString>("resource");
    QTest::addColumn<QString>("filter");
    QTest::addColumn<QString>("sql");
    QTest::addColumn<QVariantList>("bindings");

    const QString audit = u"audit"_s;
    const QString roles = u"roles"_s;
    const QString pimAndRange = u"(lower(a.logged_by_service) = ? AND a.activity_date_time >= ? AND "
                                "a.activity_date_time <= ?)"_s;

    QTest::newRow("string eq") << audit << u"id eq 'a1'"_s << u"a.id = ?"_s << QVariantList{ u"a1"_s };
    QTest::newRow("spaces and tabs") << audit << u"  id \t eq\t'a1'  "_s << u"a.id = ?"_s << QVariantList{ u"a1"_s };
    QTest::newRow("escaped quote") << audit << u"activityDisplayName eq 'it''s ''quoted'''"_s
                                   << u"a.activity_display_name = ?"_s << QVariantList{ u"it's 'quoted'"_s };
    QTest::newRow("unicode") << audit << u"activityDisplayName eq 'Zürich ✓ 𝄞'"_s << u"a.activity_display_name = ?"_s
                             << QVariantList{ u"Zürich ✓ 𝄞"_s };
    QTest::newRow("empty string") << audit << u"correlationId eq ''"_s << u"a.correlation_id = ?"_s
                                  << QVariantList{ QString(u""_s) };
    QTest::newRow("enum lower-cased") << audit << u"loggedByService eq 'PIM'"_s << u"lower(a.logged_by_service) = ?"_s
                                      << QVariantList{ u"pim"_s };
    QTest::newRow("datetime") << audit << u"activityDateTime ge 2024-05-01T00:00:00Z"_s
                              << u"a.activity_date_time >= ?"_s << QVariantList{ u"2024-05-01T00:00:00.0000000Z"_s };
    QTest::newRow("datetime one digit") << audit << u"activityDateTime lt 2024-05-01T10:30:00.5Z"_s
                                        << u"a.activity_date_time < ?"_s
                                        << QVariantList{ u"2024-05-01T10:30:00.5000000Z"_s };
    QTest::newRow("datetime seven digits")
        << audit << u"activityDateTime gt 2024-05-01T10:30:03.9014347Z"_s << u"a.activity_date_time > ?"_s
        << QVariantList{ u"2024-05-01T10:30:03.9014347Z"_s };
    QTest::newRow("datetime offset to UTC")
        << audit << u"activityDateTime le 2024-05-01T02:00:00+02:00"_s << u"a.activity_date_time <= ?"_s
        << QVariantList{ u"2024-05-01T00:00:00.0000000Z"_s };
    QTest::newRow("datetime eq and ne") << audit
                                        << u"activityDateTime eq 2024-05-01T00:00:00Z or activityDateTime ne "
                                           "2024-05-02T00:00:00Z"_s
                                        << u"(a.activity_date_time = ? OR (a.activity_date_time <> ? OR "
                                           "a.activity_date_time IS NULL))"_s
                                        << QVariantList{ u"2024-05-01T00:00:00.0000000Z"_s,
                                                         u"2024-05-02T00:00:00.0000000Z"_s };
    QTest::newRow("PIM console filter")
        << audit
        << u"loggedByService eq 'PIM' and activityDateTime ge 2024-05-01T00:00:00Z and activityDateTime le "
           "2024-05-31T23:59:59.999Z"_s
        << pimAndRange
        << QVariantList{ u"pim"_s, u"2024-05-01T00:00:00.0000000Z"_s, u"2024-05-31T23:59:59.9990000Z"_s };
    QTest::newRow("and binds tighter than or")
        << audit << u"id eq 'a' or id eq 'b' and sequence gt 3"_s << u"(a.id = ? OR (a.id = ? AND a.seq > ?))"_s
        << QVariantList{ u"a"_s, u"b"_s, qint64(3) };
    QTest::newRow("parentheses") << audit << u"(id eq 'a' or id eq 'b') and sequence gt 3"_s
                                 << u"((a.id = ? OR a.id = ?) AND a.seq > ?)"_s
                                 << QVariantList{ u"a"_s, u"b"_s, qint64(3) };
    QTest::newRow("redundant parentheses") << audit << u"((id eq 'a'))"_s << u"a.id = ?"_s << QVariantList{ u"a"_s };
    QTest::newRow("flat or chain") << audit << u"id eq 'a' or id eq 'b' or id eq 'c'"_s
                                   << u"(a.id = ? OR a.id = ? OR a.id = ?)"_s << QVariantList{ u"a"_s, u"b"_s, u"c"_s };
    QTest::newRow("not keeps nulls") << audit << u"not (result eq 'success')"_s
                                     << u"NOT COALESCE(lower(a.result) = ?, FALSE)"_s << QVariantList{ u"success"_s };
    QTest::newRow("not without parentheses")
        << audit << u"not result eq 'success'"_s << u"NOT COALESCE(lower(a.result) = ?, FALSE)"_s
        << QVariantList{ u"success"_s };
    QTest::newRow("not not") << audit << u"not not id eq 'x'"_s << u"NOT (NOT COALESCE(a.id = ?, FALSE))"_s
                             << QVariantList{ u"x"_s };
    QTest::newRow("ne includes nulls") << audit << u"initiatedBy/user/id ne 'u1'"_s
                                       << u"(a.initiator_user_id <> ? OR a.initiator_user_id IS NULL)"_s
                                       << QVariantList{ u"u1"_s };
    QTest::newRow("enum ne") << audit << u"result ne 'Success'"_s << u"(lower(a.result) <> ? OR a.result IS NULL)"_s
                             << QVariantList{ u"success"_s };
    QTest::newRow("eq null") << audit << u"initiatedBy/user/id eq null"_s << u"a.initiator_user_id IS NULL"_s
                             << QVariantList{};
    QTest::newRow("ne null") << audit << u"initiatedBy/app/appId ne null"_s << u"a.initiator_app_id IS NOT NULL"_s
                             << QVariantList{};
    QTest::newRow("in") << audit << u"id in ('a1', 'a2','a3')"_s << u"a.id IN (?, ?, ?)"_s
                        << QVariantList{ u"a1"_s, u"a2"_s, u"a3"_s };
    QTest::newRow("in one") << audit << u"id in ('a1')"_s << u"a.id IN (?)"_s << QVariantList{ u"a1"_s };
    QTest::newRow("enum in with null") << audit << u"result in ('Success', null, 'FAILURE')"_s
                                       << u"(lower(a.result) IN (?, ?) OR a.result IS NULL)"_s
                                       << QVariantList{ u"success"_s, u"failure"_s };
    QTest::newRow("in only null") << audit << u"result in (null)"_s << u"a.result IS NULL"_s << QVariantList{};
    QTest::newRow("int in") << audit << u"sequence in (1, -2, 3)"_s << u"a.seq IN (?, ?, ?)"_s
                            << QVariantList{ qint64(1), qint64(-2), qint64(3) };
    QTest::newRow("int range") << audit << u"sequence ge 10 and sequence lt 9223372036854775807"_s
                               << u"(a.seq >= ? AND a.seq < ?)"_s
                               << QVariantList{ qint64(10), qint64(9223372036854775807LL) };
    QTest::newRow("startswith is a prefix range") << audit << u"startswith(activityDisplayName,'Add member')"_s
                                                  << u"(a.activity_display_name >= ? AND a.activity_display_name < ?)"_s
                                                  << QVariantList{ u"Add member"_s, u"Add membes"_s };
    QTest::newRow("startswith wildcards are literal")
        << audit << u"startswith(activityDisplayName, '50%_')"_s
        << u"(a.activity_display_name >= ? AND a.activity_display_name < ?)"_s << QVariantList{ u"50%_"_s, u"50%`"_s };
    QTest::newRow("startswith empty prefix") << audit << u"startswith(activityDisplayName,'')"_s
                                             << u"a.activity_display_name IS NOT NULL"_s << QVariantList{};
    QTest::newRow("startswith skips surrogates") << audit << u"startswith(activityDisplayName,'a\uD7FF')"_s
                                                 << u"(a.activity_display_name >= ? AND a.activity_display_name < ?)"_s
                                                 << QVariantList{ u"a\uD7FF"_s, u"a\uE000"_s };
    QTest::newRow("startswith carries past U+10FFFF")
        << audit << u"startswith(activityDisplayName,'a\U0010FFFF')"_s
        << u"(a.activity_display_name >= ? AND a.activity_display_name < ?)"_s
        << QVariantList{ u"a\U0010FFFF"_s, u"b"_s };
    QTest::newRow("startswith without upper bound")
        << audit << u"startswith(activityDisplayName,'\U0010FFFF')"_s << u"a.activity_display_name >= ?"_s
        << QVariantList{ u"\U0010FFFF"_s };
    QTest::newRow("not startswith") << audit << u"not startswith(activityDisplayName,'Add')"_s
                                    << u"NOT COALESCE((a.activity_display_name >= ? AND a.activity_display_name < "
                                       "?), FALSE)"_s
                                    << QVariantList{ u"Add"_s, u"Ade"_s };
    QTest::newRow("slash path") << audit << u"initiatedBy/user/displayName eq 'Alice'"_s
                                << u"a.initiator_user_name = ?"_s << QVariantList{ u"Alice"_s };
    QTest::newRow("any") << audit << u"targetResources/any(t: t/id eq 'r-ga')"_s << exists(u"tr.target_id = ?"_s)
                         << QVariantList{ u"r-ga"_s };
    QTest::newRow("any, other variable, and")
        << audit << u"targetResources/any(x:x/type eq 'Role' and x/displayName eq 'GA')"_s
        << exists(u"(lower(tr.type) = ? AND tr.display_name = ?)"_s) << QVariantList{ u"role"_s, u"GA"_s };
    QTest::newRow("any with an outer field")
        << audit << u"targetResources/any(t: t/id eq 'r1' and loggedByService eq 'PIM')"_s
        << exists(u"(tr.target_id = ? AND lower(a.logged_by_service) = ?)"_s) << QVariantList{ u"r1"_s, u"pim"_s };
    QTest::newRow("any without predicate")
        << audit << u"targetResources/any()"_s << exists(u"TRUE"_s) << QVariantList{};
    QTest::newRow("not any") << audit << u"not targetResources/any()"_s << u"NOT ("_s + exists(u"TRUE"_s) + u')'
                             << QVariantList{};
    QTest::newRow("bindings follow the text")
        << audit
        << u"id eq 'first' and targetResources/any(t: t/id eq 'second') and startswith(activityDisplayName,'th')"_s
        << u"(a.id = ? AND "_s + exists(u"tr.target_id = ?"_s)
            + u" AND (a.activity_display_name >= ? AND a.activity_display_name < ?))"_s
        << QVariantList{ u"first"_s, u"second"_s, u"th"_s, u"ti"_s };
    QTest::newRow("bool") << roles << u"isBuiltIn eq true"_s << u"r.is_built_in = ?"_s << QVariantList{ true };
    QTest::newRow("bool and in") << roles << u"isBuiltIn eq false and displayName in ('A', 'B')"_s
                                 << u"(r.is_built_in = ? AND r.display_name IN (?, ?))"_s
                                 << QVariantList{ false, u"A"_s, u"B"_s };
    QTest::newRow("bool ne null semantics")
        << roles << u"isEnabled ne true"_s << u"(r.is_enabled <> ? OR r.is_enabled IS NULL)"_s << QVariantList{ true };
    QTest::newRow("keywords inside a string") << roles << u"displayName eq 'and or not eq'"_s << u"r.display_name = ?"_s
                                              << QVariantList{ u"and or not eq"_s };
}

void TestODataQuery::compileFilter()
{
    QFETCH(QString, resource);
    QFETCH(QString, filter);
    QFETCH(QString, sql);
    QFETCH(QVariantList, bindings);

    const auto compiled = compile(filter, resource);
    QVERIFY2(compiled.ok(), qPrintable(compiled.ok() ? QString() : describe(compiled.error())));
    QCOMPARE(compiled->sql, sql);
    QCOMPARE(compiled->bindings, bindings);
    QCOMPARE(compiled->sql.count(u'?'), bindings.size());
    for (const QVariant& binding : compiled->bindings) {
        // A null QString would be bound as SQL NULL.
        QVERIFY(binding.typeId() != QMetaType::QString || !binding.toString().isNull());
    }
}

void TestODataQuery::parseTree()
{
    const QString text
        = u"loggedByService eq 'PIM' and (targetResources/any(t: t/id eq 'r1') or not "
          "startswith(activityDisplayName,'Add')) and id in ('a', null, 1, true, 2024-05-01T00:00:00Z)"_s;
    const auto tree = parseODataFilter(text, ODataLimits{});
    QVERIFY2(tree.ok(), qPrintable(tree.ok() ? QString() : describe(tree.error())));
    QCOMPARE(tree->kind, FilterNode::Kind::And);
    QCOMPARE(tree->children.size(), std::size_t(3));

    const FilterNode& first = tree->children[0];
    QCOMPARE(first.kind, FilterNode::Kind::Predicate);
    QCOMPARE(first.op, FilterOperator::Eq);
    QCOMPARE(first.path, QStringList{ u"loggedByService"_s });
    QCOMPARE(first.values, QList<FilterLiteral>{ FilterLiteral::fromString(u"PIM"_s) });

    const FilterNode& either = tree->children[1];
    QCOMPARE(either.kind, FilterNode::Kind::Or);
    const FilterNode& any = either.children[0];
    QCOMPARE(any.kind, FilterNode::Kind::Any);
    QCOMPARE(any.path, QStringList{ u"targetResources"_s });
    QCOMPARE(any.lambdaVariable, u"t"_s);
    QCOMPARE(any.children.size(), std::size_t(1));
    QCOMPARE(any.children[0].variable, u"t"_s);
    QCOMPARE(any.children[0].path, QStringList{ u"id"_s });
    QCOMPARE(either.children[1].kind, FilterNode::Kind::Not);
    QCOMPARE(either.children[1].children[0].op, FilterOperator::StartsWith);

    const FilterNode& in = tree->children[2];
    QCOMPARE(in.op, FilterOperator::In);
    const QList<FilterLiteral> values{ FilterLiteral::fromString(u"a"_s),
                                       FilterLiteral::null(),
                                       FilterLiteral::fromInt(1),
                                       FilterLiteral::fromBool(true),
                                       FilterLiteral::fromDateTime(*Timestamp::fromIso(u"2024-05-01T00:00:00Z")) };
    QCOMPARE(in.values, values);
    QCOMPARE(in.position, text.indexOf(u"id in"));
    QCOMPARE(tree->children[0].position, 0);
}

void TestODataQuery::filterErrors_data()
{
    QTest::addColumn<QString>("resource");
    QTest::addColumn<QString>("filter");
    QTest::addColumn<ODataError::Kind>("kind");
    QTest::addColumn<QString>("target");
    QTest::addColumn<QString>("messagePart");

    const QString audit = u"audit"_s;
    const QString roles = u"roles"_s;
    const QString filterTarget = u"$filter"_s;
    using Kind = ODataError::Kind;

    // unknown fields
    QTest::newRow("unknown field") << audit << u"foo eq 'x'"_s << Kind::UnknownField << u"foo"_s
                                   << u"Unknown field 'foo'"_s;
    QTest::newRow("unknown nested field") << audit << u"initiatedBy/user/password eq 'x'"_s << Kind::UnknownField
                                          << u"initiatedBy/user/password"_s << u"initiatedBy/user/password"_s;
    QTest::newRow("prefix of a path") << audit << u"initiatedBy eq 'x'"_s << Kind::UnknownField << u"initiatedBy"_s
                                      << u"Unknown field"_s;
    QTest::newRow("field names are case-sensitive")
        << audit << u"ID eq 'x'"_s << Kind::UnknownField << u"ID"_s << u"'ID'"_s;
    QTest::newRow("unknown lambda field")
        << audit << u"targetResources/any(t: t/secret eq 'x')"_s << Kind::UnknownField << u"targetResources/secret"_s
        << u"'targetResources' has no field 'secret'"_s;
    QTest::newRow("unknown collection") << audit << u"owners/any(o: o/id eq 'x')"_s << Kind::UnknownField << u"owners"_s
                                        << u"'owners'"_s;
    QTest::newRow("unknown field in the other resource")
        << roles << u"loggedByService eq 'PIM'"_s << Kind::UnknownField << u"loggedByService"_s << u"Unknown field"_s;
    QTest::newRow("unknown orderby-ish field in in")
        << audit << u"bogus in ('a')"_s << Kind::UnknownField << u"bogus"_s << u"'bogus'"_s;

    // syntax
    QTest::newRow("unbalanced open") << audit << u"(id eq 'x'"_s << Kind::Syntax << filterTarget << u"Unbalanced '('"_s;
    QTest::newRow("unbalanced nested open")
        << audit << u"((id eq 'x') and (sequence eq 1)"_s << Kind::Syntax << filterTarget << u"Unbalanced '('"_s;
    QTest::newRow("unbalanced close") << audit << u"id eq 'x')"_s << Kind::Syntax << filterTarget
                                      << u"Unbalanced ')'"_s;
    QTest::newRow("lone close") << audit << u")"_s << Kind::Syntax << filterTarget << u"Unbalanced ')'"_s;
    QTest::newRow("empty parentheses") << audit << u"()"_s << Kind::Syntax << filterTarget
                                       << u"Expected a condition before ')'"_s;
    QTest::newRow("unterminated string") << audit << u"id eq 'abc"_s << Kind::Syntax << filterTarget
                                         << u"Unterminated string literal starting at character 7"_s;
    QTest::newRow("unterminated after escape")
        << audit << u"id eq 'it''s"_s << Kind::Syntax << filterTarget << u"Unterminated string"_s;
    QTest::newRow("missing value") << audit << u"id eq"_s << Kind::Syntax << filterTarget
                                   << u"ends where a value was expected"_s;
    QTest::newRow("missing operator") << audit << u"id"_s << Kind::Syntax << filterTarget << u"Expected an operator"_s;
    QTest::newRow("missing field") << audit << u"eq 'x'"_s << Kind::Syntax << filterTarget << u"Expected an operator"_s;
    QTest::newRow("dangling and") << audit << u"id eq 'x' and"_s << Kind::Syntax << filterTarget
                                  << u"ends where a condition was expected"_s;
    QTest::newRow("leading and") << audit << u"and id eq 'x'"_s << Kind::Syntax << filterTarget
                                 << u"needs a condition on its left"_s;
    QTest::newRow("missing connective") << audit << u"id eq 'x' id eq 'y'"_s << Kind::Syntax << filterTarget
                                        << u"Expected 'and', 'or'"_s;
    QTest::newRow("unquoted string") << audit << u"id eq abc"_s << Kind::Syntax << filterTarget << u"quote strings"_s;
    QTest::newRow("bad date") << audit << u"activityDateTime ge 2024-13-01T00:00:00Z"_s << Kind::Syntax << filterTarget
                              << u"Invalid literal '2024-13-01T00:00:00Z'"_s;
    QTest::newRow("date only") << audit << u"activityDateTime ge 2024-05-01"_s << Kind::Syntax << filterTarget
                               << u"Invalid literal"_s;
    QTest::newRow("eight fractional digits") << audit << u"activityDateTime ge 2024-05-01T00:00:00.123456789Z"_s
                                             << Kind::Syntax << filterTarget << u"Invalid literal"_s;
    QTest::newRow("decimal") << audit << u"sequence eq 1.5"_s << Kind::Syntax << filterTarget << u"Invalid literal"_s;
    QTest::newRow("integer overflow") << audit << u"sequence eq 9223372036854775808"_s << Kind::Syntax << filterTarget
                                      << u"out of range"_s;
    QTest::newRow("unquoted guid") << audit << u"id eq 62e90394-69f5-4237-9190-012177145e10"_s << Kind::Syntax
                                   << filterTarget << u"Invalid literal"_s;
    QTest::newRow("stray character") << audit << u"id eq 'x' && id eq 'y'"_s << Kind::Syntax << filterTarget
                                     << u"Unexpected character '&' at character 11"_s;
    QTest::newRow("semicolon") << audit << u"id eq 'x'; DROP TABLE audit"_s << Kind::Syntax << filterTarget
                               << u"Unexpected character ';'"_s;
    QTest::newRow("empty in") << audit << u"id in ()"_s << Kind::Syntax << filterTarget << u"in list is empty"_s;
    QTest::newRow("unclosed in") << audit << u"id in ('a', 'b'"_s << Kind::Syntax << filterTarget
                                 << u"Unbalanced '('"_s;
    QTest::newRow("in without parentheses")
        << audit << u"id in 'a'"_s << Kind::Syntax << filterTarget << u"'(' after in"_s;
    QTest::newRow("lambda without colon")
        << audit << u"targetResources/any(t t/id eq 'x')"_s << Kind::Syntax << filterTarget << u"any(t: ...)"_s;
    QTest::newRow("lambda variable alone")
        << audit << u"targetResources/any(t: t eq 'x')"_s << Kind::Syntax << filterTarget << u"needs a field"_s;
    QTest::newRow("lambda variable reused") << audit << u"targetResources/any(t: targetResources/any(t: t/id eq 'x'))"_s
                                            << Kind::Syntax << filterTarget << u"already in use"_s;
    QTest::newRow("unclosed lambda") << audit << u"targetResources/any(t: t/id eq 'x'"_s << Kind::Syntax << filterTarget
                                     << u"Unbalanced '('"_s;
    QTest::newRow("startswith value first") << audit << u"startswith('Add', activityDisplayName)"_s << Kind::Syntax
                                            << filterTarget << u"startswith takes a field name first"_s;
    QTest::newRow("startswith missing comma")
        << audit << u"startswith(activityDisplayName 'Add')"_s << Kind::Syntax << filterTarget << u"','"_s;
    QTest::newRow("trailing slash") << audit << u"initiatedBy/ eq 'x'"_s << Kind::Syntax << filterTarget
                                    << u"after '/'"_s;
    QTest::newRow("blank") << audit << u"   "_s << Kind::Syntax << filterTarget << u"empty"_s;

    // operators
    QTest::newRow("like") << audit << u"id like 'x%'"_s << Kind::UnsupportedOperator << u"like"_s
                          << u"Unknown operator 'like'"_s;
    QTest::newRow("has") << audit << u"result has 'x'"_s << Kind::UnsupportedOperator << u"has"_s
                         << u"'has' is not supported"_s;
    QTest::newRow("arithmetic") << audit << u"sequence add 1 eq 2"_s << Kind::UnsupportedOperator << u"add"_s
                                << u"'add' is not supported"_s;
    QTest::newRow("upper-case operator") << audit << u"id EQ 'x'"_s << Kind::UnsupportedOperator << u"EQ"_s
                                         << u"Unknown operator 'EQ'"_s;
    QTest::newRow("contains") << audit << u"contains(activityDisplayName,'x')"_s << Kind::UnsupportedOperator
                              << u"contains"_s << u"function 'contains' is not supported"_s;
    QTest::newRow("all") << audit << u"targetResources/all(t: t/id eq 'x')"_s << Kind::UnsupportedOperator << u"all"_s
                         << u"use any"_s;
    QTest::newRow("operator the field forbids")
        << audit << u"activityDisplayName gt 'x'"_s << Kind::UnsupportedOperator << u"activityDisplayName"_s
        << u"The operator 'gt' is not supported on field "
           "'activityDisplayName'"_s;
    QTest::newRow("in the field forbids") << audit << u"activityDisplayName in ('x')"_s << Kind::UnsupportedOperator
                                          << u"activityDisplayName"_s << u"'in'"_s;
    QTest::newRow("ordering an enum") << audit << u"loggedByService ge 'P'"_s << Kind::UnsupportedOperator
                                      << u"loggedByService"_s << u"'ge'"_s;
    QTest::newRow("ordering a bool") << roles << u"isBuiltIn gt false"_s << Kind::UnsupportedOperator << u"isBuiltIn"_s
                                     << u"'gt'"_s;
    QTest::newRow("startswith on a datetime")
        << audit << u"startswith(activityDateTime,'2024')"_s << Kind::UnsupportedOperator << u"activityDateTime"_s
        << u"'startswith'"_s;
    QTest::newRow("startswith on an enum") << audit << u"startswith(loggedByService,'P')"_s << Kind::UnsupportedOperator
                                           << u"loggedByService"_s << u"'startswith'"_s;
    QTest::newRow("collection compared") << audit << u"targetResources eq 'x'"_s << Kind::UnsupportedOperator
                                         << u"targetResources"_s << u"is a collection"_s;
    QTest::newRow("any on a scalar") << audit << u"id/any(t: t/x eq 'y')"_s << Kind::UnsupportedOperator << u"id"_s
                                     << u"not a collection"_s;

    // types
    QTest::newRow("bool vs string") << roles << u"isBuiltIn eq 'x'"_s << Kind::TypeMismatch << u"isBuiltIn"_s
                                    << u"Field 'isBuiltIn' is a Boolean and cannot be compared with a string"_s;
    QTest::newRow("bool vs int") << roles << u"isBuiltIn eq 1"_s << Kind::TypeMismatch << u"isBuiltIn"_s
                                 << u"an integer"_s;
    QTest::newRow("quoted datetime") << audit << u"activityDateTime ge '2024-05-01T00:00:00Z'"_s << Kind::TypeMismatch
                                     << u"activityDateTime"_s << u"unquoted"_s;
    QTest::newRow("datetime vs int") << audit << u"activityDateTime ge 20240501"_s << Kind::TypeMismatch
                                     << u"activityDateTime"_s << u"a date and time"_s;
    QTest::newRow("string vs int") << audit << u"correlationId eq 5"_s << Kind::TypeMismatch << u"correlationId"_s
                                   << u"is a string"_s;
    QTest::newRow("string vs bool") << audit << u"correlationId eq true"_s << Kind::TypeMismatch << u"correlationId"_s
                                    << u"true or false"_s;
    QTest::newRow("string vs datetime") << audit << u"correlationId eq 2024-05-01T00:00:00Z"_s << Kind::TypeMismatch
                                        << u"correlationId"_s << u"a date and time"_s;
    QTest::newRow("int vs string") << audit << u"sequence eq '5'"_s << Kind::TypeMismatch << u"sequence"_s
                                   << u"integer"_s;
    QTest::newRow("enum vs int") << audit << u"result eq 1"_s << Kind::TypeMismatch << u"result"_s << u"enumeration"_s;
    QTest::newRow("mixed in list") << audit << u"id in ('a', 5)"_s << Kind::TypeMismatch << u"id"_s << u"an integer"_s;
    QTest::newRow("ordering null") << audit << u"activityDateTime gt null"_s << Kind::TypeMismatch
                                   << u"activityDateTime"_s << u"null can only be compared with eq or ne"_s;
    QTest::newRow("startswith number") << audit << u"startswith(activityDisplayName, 5)"_s << Kind::TypeMismatch
                                       << u"activityDisplayName"_s << u"quoted string"_s;
    QTest::newRow("startswith null") << audit << u"startswith(activityDisplayName, null)"_s << Kind::TypeMismatch
                                     << u"activityDisplayName"_s << u"quoted string"_s;
    QTest::newRow("type error in lambda") << audit << u"targetResources/any(t: t/id eq 7)"_s << Kind::TypeMismatch
                                          << u"t/id"_s << u"'t/id' is a string"_s;
}

void TestODataQuery::filterErrors()
{
    QFETCH(QString, resource);
    QFETCH(QString, filter);
    QFETCH(ODataError::Kind, kind);
    QFETCH(QString, target);
    QFETCH(QString, messagePart);

    const auto compiled = compile(filter, resource);
    QVERIFY2(!compiled.ok(), qPrintable(compiled.ok() ? compiled->sql : QString()));
    const ODataError& error = compiled.error();
    QCOMPARE(error.code, u"BadRequest"_s);
    QVERIFY2(error.kind == kind, qPrintable(describe(error)));
    QCOMPARE(error.target, target);
    QVERIFY2(error.message.contains(messagePart), qPrintable(describe(error)));
}

void TestODataQuery::limits()
{
    const ODataLimits limits;
    const QString leaf = u"id eq 'x'"_s;
    auto nested = [&](int depth, const QString& open, const QString& close) -> QString {
        return open.repeated(depth) + leaf + close.repeated(depth);
    };
    auto kindOf = [&](const QString& filter) {
        const auto tree = parseODataFilter(filter, limits);
        return tree.ok() ? std::optional<ODataError::Kind>() : std::optional(tree.error().kind);
    };

    // Depth: parentheses, not, lambdas and startswith all count; 32 levels pass, 33 do not.
    QCOMPARE(kindOf(nested(32, u"("_s, u")"_s)), std::nullopt);
    QCOMPARE(kindOf(nested(33, u"("_s, u")"_s)), ODataError::Kind::LimitExceeded);
    QCOMPARE(kindOf(nested(32, u"not "_s, QString())), std::nullopt);
    QCOMPARE(kindOf(nested(33, u"not "_s, QString())), ODataError::Kind::LimitExceeded);
    const QString lambda = u"targetResources/any(t: t/id eq 'x')"_s;
    QCOMPARE(kindOf(nested(31, u"("_s, u")"_s).replace(leaf, lambda)), std::nullopt);
    QCOMPARE(kindOf(nested(32, u"("_s, u")"_s).replace(leaf, lambda)), ODataError::Kind::LimitExceeded);
    QCOMPARE(kindOf(nested(31, u"("_s, u")"_s).replace(leaf, u"startswith(activityDisplayName,'x')"_s)), std::nullopt);
    QCOMPARE(kindOf(nested(32, u"("_s, u")"_s).replace(leaf, u"startswith(activityDisplayName,'x')"_s)),
             ODataError::Kind::LimitExceeded);
    QCOMPARE(kindOf(nested(10000, u"("_s, u")"_s).left(4000)), ODataError::Kind::LimitExceeded);
    {
        const auto deep = parseODataFilter(nested(33, u"("_s, u")"_s), limits);
        QVERIFY(deep.error().message.contains(u"nested more than 32 levels"_s));
        QCOMPARE(deep.error().target, u"$filter"_s);
        // 16 x "not (" is 32 levels: allowed, and it compiles.
        const auto sixteen = compile(nested(16, u"not ("_s, u")"_s));
        QVERIFY(sixteen.ok());
        QCOMPARE(sixteen->bindings, QVariantList{ u"x"_s });
    }
    // A long and-chain is flat, not deep.
    {
        QStringList terms;
        for (int i = 0; i < 200; ++i) {
            terms.append(u"sequence ne %1"_s.arg(i));
        }
        const auto chain = compile(terms.join(u" and "_s));
        QVERIFY(chain.ok());
        QCOMPARE(chain->bindings.size(), 200);
    }

    // Length: 4096 characters pass, 4097 do not (before any parsing).
    const QString prefix = u"correlationId eq '"_s;
    const QString exact = prefix + QString(4096 - prefix.size() - 1, u'x') + u'\'';
    QCOMPARE(exact.size(), 4096);
    QCOMPARE(kindOf(exact), std::nullopt);
    QCOMPARE(kindOf(exact + u' '), ODataError::Kind::LimitExceeded);
    QCOMPARE(kindOf(QString(5000, u'(')), ODataError::Kind::LimitExceeded);
    QVERIFY(parseODataFilter(QString(exact + u' '), limits).error().message.contains(u"longer than 4096"_s));

    // in lists: 100 values pass, 101 do not.
    auto inList = [](int count) -> QString {
        QStringList values;
        for (int i = 0; i < count; ++i) {
            values.append(u"'v%1'"_s.arg(i));
        }
        return u"id in ("_s + values.join(u',') + u')';
    };
    const auto hundred = compile(inList(100));
    QVERIFY(hundred.ok());
    QCOMPARE(hundred->bindings.size(), 100);
    QCOMPARE(kindOf(inList(101)), ODataError::Kind::LimitExceeded);
    QVERIFY(parseODataFilter(inList(101), limits).error().message.contains(u"more than 100 values"_s));

    // The caller can tighten every limit.
    ODataLimits tight;
    tight.maxDepth = 2;
    tight.maxInItems = 2;
    tight.maxFilterLength = 20;
    QVERIFY(parseODataFilter(u"((id eq 'x'))"_s, tight).ok());
    QVERIFY(!parseODataFilter(u"(((id eq 'x')))"_s, tight).ok());
    QVERIFY(parseODataFilter(u"id in ('a','b')"_s, tight).ok());
    QVERIFY(!parseODataFilter(u"id in ('a','b','c')"_s, tight).ok());
    QVERIFY(!parseODataFilter(u"correlationId eq 'abcdef'"_s, tight).ok());
}

void TestODataQuery::injectionStaysInBindings_data()
{
    QTest::addColumn<QString>("resource");
    QTest::addColumn<QString>("filter");
    QTest::addColumn<QString>("payload");

    QTest::newRow("or 1=1") << u"roles"_s << u"displayName eq 'x'' OR 1=1 --'"_s << u"x' OR 1=1 --"_s;
    QTest::newRow("drop table") << u"audit"_s << u"id eq '1; DROP TABLE audit'"_s << u"1; DROP TABLE audit"_s;
    QTest::newRow("close and drop") << u"audit"_s << u"id eq 'a1''); DROP TABLE audit; --'"_s
                                    << u"a1'); DROP TABLE audit; --"_s;
    QTest::newRow("union") << u"audit"_s << u"correlationId eq ''' UNION SELECT name FROM sqlite_master --'"_s
                           << u"' UNION SELECT name FROM sqlite_master --"_s;
    QTest::newRow("comment") << u"audit"_s << u"correlationId eq '/* x */'"_s << u"/* x */"_s;
    QTest::newRow("in list") << u"audit"_s << u"id in ('a', ''' OR ''1''=''1')"_s << u"' OR '1'='1"_s;
    QTest::newRow("startswith") << u"audit"_s << u"startswith(activityDisplayName,''' OR 1=1 --')"_s
                                << u"' OR 1=1 --"_s;
    QTest::newRow("lambda") << u"audit"_s << u"targetResources/any(t: t/displayName eq '''); DELETE FROM audit; --')"_s
                            << u"'); DELETE FROM audit; --"_s;
    QTest::newRow("enum") << u"audit"_s << u"loggedByService eq 'PIM'' OR ''a''=''a'"_s << u"pim' or 'a'='a"_s;
    QTest::newRow("lambda variable is never SQL")
        << u"audit"_s << u"targetResources/any(DROP: DROP/id eq 'x')"_s << u"x"_s;
}

void TestODataQuery::injectionStaysInBindings()
{
    QFETCH(QString, resource);
    QFETCH(QString, filter);
    QFETCH(QString, payload);

    const auto compiled = compile(filter, resource);
    QVERIFY2(compiled.ok(), qPrintable(compiled.ok() ? QString() : describe(compiled.error())));
    QVERIFY2(compiled->bindings.contains(payload), qPrintable(compiled->sql));
    // The SQL is made of field-map text and keywords only: no quote, comment, statement
    // separator or word from the request.
    for (const QString& forbidden :
         { u"'"_s, u"--"_s, u";"_s, u"/*"_s, u"DROP"_s, u"DELETE"_s, u"UNION"_s, u"1=1"_s }) {
        QVERIFY2(!compiled->sql.contains(forbidden), qPrintable(compiled->sql));
    }
}

// ---- $orderby, $select, datetimes -----------------------------------------------------------

void TestODataQuery::orderBy()
{
    const auto parsed = ODataQuery::fromQuery(
        QUrlQuery(u"$orderby=activityDateTime%20desc,loggedByService,initiatedBy/user/displayName%20asc"_s));
    QVERIFY(parsed.ok());
    const auto sql = auditCompiler().compileOrderBy(parsed->orderBy);
    QVERIFY(sql.ok());
    QCOMPARE(*sql, u"a.activity_date_time DESC, lower(a.logged_by_service) ASC, a.initiator_user_name ASC"_s);

    QCOMPARE(*auditCompiler().compileOrderBy({}), QString());

    const auto unknown = auditCompiler().compileOrderBy({ OrderByItem{ u"password"_s, false } });
    QVERIFY(!unknown.ok());
    QCOMPARE(unknown.error().code, u"BadRequest"_s);
    QCOMPARE(unknown.error().kind, ODataError::Kind::UnknownField);
    QCOMPARE(unknown.error().target, u"password"_s);

    const auto collection = auditCompiler().compileOrderBy({ OrderByItem{ u"targetResources"_s, true } });
    QVERIFY(!collection.ok());
    QVERIFY(collection.error().message.contains(u"collection"_s));
}

void TestODataQuery::select()
{
    const ODataSqlCompiler& compiler = auditCompiler();
    QVERIFY(!compiler.checkSelect({}).has_value());
    QVERIFY(!compiler
                 .checkSelect({ u"id"_s,
                                u"activityDateTime"_s,
                                u"initiatedBy"_s,
                                u"targetResources"_s,
                                u"resultReason"_s,
                                u"operationType"_s })
                 .has_value());
    const auto error = compiler.checkSelect({ u"id"_s, u"passwordHash"_s });
    QVERIFY(error.has_value());
    QCOMPARE(error->code, u"BadRequest"_s);
    QCOMPARE(error->kind, ODataError::Kind::UnknownField);
    QCOMPARE(error->target, u"passwordHash"_s);
    QVERIFY(error->message.contains(u"'passwordHash'"_s));
    QVERIFY(compiler.checkSelect({ u"user"_s }).has_value()); // a deeper segment is not a property
}

void TestODataQuery::sqlDateTime_data()
{
    QTest::addColumn<QString>("iso");
    QTest::addColumn<QString>("fixed");

    QTest::newRow("no fraction") << u"2024-05-01T00:00:00Z"_s << u"2024-05-01T00:00:00.0000000Z"_s;
    QTest::newRow("two digits") << u"2024-05-01T10:30:03Z"_s << u"2024-05-01T10:30:03.0000000Z"_s;
    QTest::newRow("three digits") << u"2024-05-01T10:30:50.287Z"_s << u"2024-05-01T10:30:50.2870000Z"_s;
    QTest::newRow("seven digits") << u"2024-05-01T10:30:03.9014347Z"_s << u"2024-05-01T10:30:03.9014347Z"_s;
    QTest::newRow("offset") << u"2024-05-01T01:30:00.5+02:00"_s << u"2024-04-30T23:30:00.5000000Z"_s;
    QTest::newRow("before 1970") << u"1969-12-31T23:59:59.9999999Z"_s << u"1969-12-31T23:59:59.9999999Z"_s;
    QTest::newRow("first instant") << u"0001-01-01T00:00:00Z"_s << u"0001-01-01T00:00:00.0000000Z"_s;
    QTest::newRow("last instant") << u"9999-12-31T23:59:59.9999999Z"_s << u"9999-12-31T23:59:59.9999999Z"_s;
}

void TestODataQuery::sqlDateTime()
{
    QFETCH(QString, iso);
    QFETCH(QString, fixed);

    const auto timestamp = Timestamp::fromIso(iso);
    QVERIFY(timestamp.has_value());
    QCOMPARE(ODataSqlCompiler::sqlDateTime(*timestamp), fixed);
    QCOMPARE(ODataSqlCompiler::sqlDateTime(Timestamp()), QString());

    // Text order is time order, which Timestamp::toIso's trimmed fraction would not give.
    const Timestamp whole = *Timestamp::fromIso(u"2024-05-01T10:30:00Z");
    const Timestamp half = *Timestamp::fromIso(u"2024-05-01T10:30:00.5Z");
    QVERIFY(half.toIso() < whole.toIso()); // the trap
    QVERIFY(ODataSqlCompiler::sqlDateTime(whole) < ODataSqlCompiler::sqlDateTime(half));
}

// ---- against SQLite -------------------------------------------------------------------------

void TestODataQuery::initTestCase()
{
    m_connection = u"TestODataQuery-%1"_s.arg(reinterpret_cast<quintptr>(this));
    QSqlDatabase db = QSqlDatabase::addDatabase(u"QSQLITE"_s, m_connection);
    db.setDatabaseName(u":memory:"_s);
    QVERIFY2(db.open(), qPrintable(db.lastError().text()));

    QSqlQuery query(db);
    QVERIFY2(query.exec(u"CREATE TABLE audit (id TEXT PRIMARY KEY, seq INTEGER NOT NULL, category TEXT, "
                        "correlation_id TEXT, result TEXT, activity_display_name TEXT, activity_date_time TEXT NOT "
                        "NULL, logged_by_service TEXT, initiator_user_id TEXT, initiator_user_name TEXT, "
                        "initiator_app_id TEXT)"_s),
             qPrintable(query.lastError().text()));
    QVERIFY2(query.exec(u"CREATE TABLE audit_targets (audit_id TEXT NOT NULL REFERENCES audit(id), target_id TEXT, "
                        "display_name TEXT, type TEXT)"_s),
             qPrintable(query.lastError().text()));

    // Times as Graph prints them, with 0 to 7 fractional digits, stored fixed-width.
    const AuditRow rows[] = {
        { "a1",
          1,
          "RoleManagement",
          "c1",
          "success",
          "Add member to role requested (PIM activation)",
          "2024-04-30T23:59:59.9999999Z",
          "PIM",
          "u1",
          "Alice",
          nullptr },
        { "a2",
          2,
          "RoleManagement",
          "c1",
          "Success",
          "Add member to role completed (PIM activation)",
          "2024-05-01T00:00:00Z",
          "PIM",
          "u1",
          "Alice",
          nullptr },
        { "a3",
          3,
          "RoleManagement",
          "c2",
          "failure",
          "Remove member from role (PIM activation expired)",
          "2024-05-01T10:30:00.5Z",
          "pim",
          "u2",
          "Bob",
          nullptr },
        { "a4",
          4,
          "Policy",
          "c3",
          "SUCCESS",
          "Approve decision",
          "2024-05-01T10:30:00.49Z",
          "Access Reviews",
          nullptr,
          nullptr,
          "app-1" },
        { "a5",
          5,
          "GroupManagement",
          "c4",
          "success",
          "Add_member 100% done",
          "2024-05-02T08:00:00.1234567Z",
          "PIM",
          "u2",
          "Bob",
          nullptr },
        { "a6",
          6,
          "Other",
          "",
          nullptr,
          "Ünïcode ✓ activity",
          "2024-05-03T00:00:00Z",
          "Core Directory",
          nullptr,
          nullptr,
          nullptr },
    };
    QVERIFY(query.prepare(u"INSERT INTO audit VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"_s));
    for (const AuditRow& row : rows) {
        query.addBindValue(text(row.id));
        query.addBindValue(row.sequence);
        query.addBindValue(text(row.category));
        query.addBindValue(text(row.correlationId));
        query.addBindValue(text(row.result));
        query.addBindValue(text(row.activityDisplayName));
        query.addBindValue(fixed(row.activityDateTime));
        query.addBindValue(text(row.loggedByService));
        query.addBindValue(text(row.userId));
        query.addBindValue(text(row.userName));
        query.addBindValue(text(row.appId));
        QVERIFY2(query.exec(), qPrintable(query.lastError().text()));
    }

    const char* targets[][4] = {
        { "a1", "r-ga", "Global Administrator", "Role" },
        { "a1", "u1", "Alice", "User" },
        { "a2", "r-ga", "Global Administrator", "role" },
        { "a3", "r-sec", "Security Reader", "Role" },
        { "a4", "u2", "Bob", "User" },
        { "a5", "g1", "Finance", "Group" },
    };
    QVERIFY(query.prepare(u"INSERT INTO audit_targets VALUES (?, ?, ?, ?)"_s));
    for (const auto& target : targets) {
        for (const char* value : target) {
            query.addBindValue(text(value));
        }
        QVERIFY2(query.exec(), qPrintable(query.lastError().text()));
    }
    QCOMPARE(countRows(u"audit"_s), 6);
    QCOMPARE(countRows(u"audit_targets"_s), 6);
}

void TestODataQuery::cleanupTestCase()
{
    {
        QSqlDatabase db = QSqlDatabase::database(m_connection, false);
        db.close();
    }
    QSqlDatabase::removeDatabase(m_connection);
}

QStringList
TestODataQuery::runAudit(const SqlFragment& where, const QString& orderBy, qint64 limit, qint64 offset) const
{
    QSqlQuery query(QSqlDatabase::database(m_connection, false));
    QString sql = u"SELECT a.id FROM audit AS a WHERE "_s + where.sql + u" ORDER BY "_s + orderBy + u", a.id"_s;
    if (limit >= 0) {
        sql += u" LIMIT ? OFFSET ?"_s;
    }
    if (!query.prepare(sql)) {
        qWarning() << "prepare failed:" << sql << query.lastError().text();
        return { u"<prepare failed>"_s };
    }
    for (const QVariant& value : where.bindings) {
        query.addBindValue(value);
    }
    if (limit >= 0) {
        query.addBindValue(limit);
        query.addBindValue(offset);
    }
    if (!query.exec()) {
        qWarning() << "exec failed:" << sql << query.lastError().text();
        return { u"<exec failed>"_s };
    }
    QStringList ids;
    while (query.next()) {
        ids.append(query.value(0).toString());
    }
    return ids;
}

int TestODataQuery::countRows(const QString& table) const
{
    // `table` is a constant of this test, never request text.
    QSqlQuery query(QSqlDatabase::database(m_connection, false));
    if (!query.exec(u"SELECT count(*) FROM "_s + table) || !query.next()) {
        return -1;
    }
    return query.value(0).toInt();
}

void TestODataQuery::sqliteFilter_data()
{
    QTest::addColumn<QString>("filter");
    QTest::addColumn<QStringList>("ids");

    const QStringList none;
    // datetimes with mixed fractional digits
    QTest::newRow("day range") << u"activityDateTime ge 2024-05-01T00:00:00Z and activityDateTime lt "
                                  "2024-05-02T00:00:00Z"_s
                               << QStringList{ u"a2"_s, u"a3"_s, u"a4"_s };
    QTest::newRow("before midnight, 7 digits")
        << u"activityDateTime lt 2024-05-01T00:00:00Z"_s << QStringList{ u"a1"_s };
    QTest::newRow("eq with padding") << u"activityDateTime eq 2024-05-01T00:00:00.000Z"_s << QStringList{ u"a2"_s };
    QTest::newRow("half second vs 0.49") << u"activityDateTime gt 2024-05-01T10:30:00.49Z and activityDateTime le "
                                            "2024-05-01T10:30:00.5000000Z"_s
                                         << QStringList{ u"a3"_s };
    QTest::newRow("one tick after 0.49") << u"activityDateTime ge 2024-05-01T10:30:00.4900001Z"_s
                                         << QStringList{ u"a3"_s, u"a5"_s, u"a6"_s };
    QTest::newRow("le 0.49 inclusive") << u"activityDateTime le 2024-05-01T10:30:00.49Z"_s
                                       << QStringList{ u"a1"_s, u"a2"_s, u"a4"_s };
    QTest::newRow("whole second vs fraction")
        << u"activityDateTime gt 2024-05-01T10:30:00Z"_s << QStringList{ u"a3"_s, u"a4"_s, u"a5"_s, u"a6"_s };
    QTest::newRow("offset literal") << u"activityDateTime lt 2024-05-01T02:00:00+02:00"_s << QStringList{ u"a1"_s };
    QTest::newRow("six vs seven digits") << u"activityDateTime gt 2024-05-02T08:00:00.123456Z"_s
                                         << QStringList{ u"a5"_s, u"a6"_s };
    QTest::newRow("exact seven digits") << u"activityDateTime eq 2024-05-02T08:00:00.1234567Z"_s
                                        << QStringList{ u"a5"_s };
    // enums compare case-insensitively
    QTest::newRow("enum lower") << u"loggedByService eq 'pim'"_s << QStringList{ u"a1"_s, u"a2"_s, u"a3"_s, u"a5"_s };
    QTest::newRow("enum upper") << u"loggedByService eq 'PIM'"_s << QStringList{ u"a1"_s, u"a2"_s, u"a3"_s, u"a5"_s };
    QTest::newRow("enum mixed rows") << u"result eq 'SUCCESS'"_s << QStringList{ u"a1"_s, u"a2"_s, u"a4"_s, u"a5"_s };
    QTest::newRow("enum ne keeps null") << u"result ne 'success'"_s << QStringList{ u"a3"_s, u"a6"_s };
    QTest::newRow("not keeps null") << u"not (result eq 'success')"_s << QStringList{ u"a3"_s, u"a6"_s };
    QTest::newRow("enum in with null") << u"result in ('FAILURE', null)"_s << QStringList{ u"a3"_s, u"a6"_s };
    QTest::newRow("enum in") << u"loggedByService in ('access reviews', 'CORE DIRECTORY')"_s
                             << QStringList{ u"a4"_s, u"a6"_s };
    // strings are exact
    QTest::newRow("string eq") << u"activityDisplayName eq 'Approve decision'"_s << QStringList{ u"a4"_s };
    QTest::newRow("string eq is case-sensitive") << u"activityDisplayName eq 'approve decision'"_s << none;
    QTest::newRow("startswith") << u"startswith(activityDisplayName,'Add member')"_s << QStringList{ u"a1"_s, u"a2"_s };
    QTest::newRow("startswith is case-sensitive") << u"startswith(activityDisplayName,'add member')"_s << none;
    QTest::newRow("startswith underscore is literal")
        << u"startswith(activityDisplayName,'Add_')"_s << QStringList{ u"a5"_s };
    QTest::newRow("startswith percent is literal") << u"startswith(activityDisplayName,'%')"_s << none;
    QTest::newRow("startswith whole value")
        << u"startswith(activityDisplayName,'Approve decision')"_s << QStringList{ u"a4"_s };
    QTest::newRow("startswith longer than value") << u"startswith(activityDisplayName,'Approve decisions')"_s << none;
    QTest::newRow("startswith non-ASCII") << u"startswith(activityDisplayName,'Ünï')"_s << QStringList{ u"a6"_s };
    QTest::newRow("startswith empty") << u"startswith(activityDisplayName,'')"_s
                                      << QStringList{ u"a1"_s, u"a2"_s, u"a3"_s, u"a4"_s, u"a5"_s, u"a6"_s };
    QTest::newRow("not startswith") << u"not startswith(activityDisplayName,'Add')"_s
                                    << QStringList{ u"a3"_s, u"a4"_s, u"a6"_s };
    // lambdas over the child table
    QTest::newRow("any id") << u"targetResources/any(t: t/id eq 'r-ga')"_s << QStringList{ u"a1"_s, u"a2"_s };
    QTest::newRow("any enum") << u"targetResources/any(t: t/type eq 'ROLE')"_s
                              << QStringList{ u"a1"_s, u"a2"_s, u"a3"_s };
    QTest::newRow("any two conditions on one element")
        << u"targetResources/any(t: t/type eq 'user' and t/displayName eq 'Bob')"_s << QStringList{ u"a4"_s };
    QTest::newRow("any conditions never mix elements")
        << u"targetResources/any(t: t/id eq 'r-ga' and t/type eq 'user')"_s << none;
    QTest::newRow("any()") << u"targetResources/any()"_s << QStringList{ u"a1"_s, u"a2"_s, u"a3"_s, u"a4"_s, u"a5"_s };
    QTest::newRow("not any()") << u"not targetResources/any()"_s << QStringList{ u"a6"_s };
    QTest::newRow("any with outer field")
        << u"targetResources/any(t: t/id eq 'r-ga' and category eq 'rolemanagement' and initiatedBy/user/id eq "
           "'u1')"_s
        << QStringList{ u"a1"_s, u"a2"_s };
    QTest::newRow("any and time") << u"targetResources/any(t: t/id eq 'r-ga') and activityDateTime ge "
                                     "2024-05-01T00:00:00Z"_s
                                  << QStringList{ u"a2"_s };
    // nulls and the rest
    QTest::newRow("ne keeps null users") << u"initiatedBy/user/id ne 'u1'"_s
                                         << QStringList{ u"a3"_s, u"a4"_s, u"a5"_s, u"a6"_s };
    QTest::newRow("eq null") << u"initiatedBy/user/id eq null"_s << QStringList{ u"a4"_s, u"a6"_s };
    QTest::newRow("app") << u"initiatedBy/app/appId eq 'app-1'"_s << QStringList{ u"a4"_s };
    QTest::newRow("in ids") << u"id in ('a1', 'a3', 'zz')"_s << QStringList{ u"a1"_s, u"a3"_s };
    QTest::newRow("int range") << u"sequence ge 2 and sequence le 4"_s << QStringList{ u"a2"_s, u"a3"_s, u"a4"_s };
    QTest::newRow("correlation") << u"correlationId eq 'c1'"_s << QStringList{ u"a1"_s, u"a2"_s };
    QTest::newRow("empty string is not null") << u"correlationId eq ''"_s << QStringList{ u"a6"_s };
    QTest::newRow("empty string ne") << u"correlationId ne ''"_s
                                     << QStringList{ u"a1"_s, u"a2"_s, u"a3"_s, u"a4"_s, u"a5"_s };
    QTest::newRow("no null correlation") << u"correlationId eq null"_s << none;
    QTest::newRow("empty enum literal") << u"result in ('', 'failure')"_s << QStringList{ u"a3"_s };
    QTest::newRow("mixed") << u"(loggedByService eq 'PIM' or result eq 'failure') and not "
                              "startswith(activityDisplayName,'Add member')"_s
                           << QStringList{ u"a3"_s, u"a5"_s };
    QTest::newRow("nothing") << u"id eq 'nope'"_s << none;
}

void TestODataQuery::sqliteFilter()
{
    QFETCH(QString, filter);
    QFETCH(QStringList, ids);

    const auto compiled = compile(filter);
    QVERIFY2(compiled.ok(), qPrintable(compiled.ok() ? QString() : describe(compiled.error())));
    QCOMPARE(runAudit(*compiled), ids);
}

void TestODataQuery::sqliteInjection_data()
{
    QTest::addColumn<QString>("filter");

    QTest::newRow("or 1=1") << u"activityDisplayName eq 'x'' OR 1=1 --'"_s;
    QTest::newRow("drop table") << u"id eq '1; DROP TABLE audit'"_s;
    QTest::newRow("close, drop, comment") << u"id eq 'a1''; DROP TABLE audit; --'"_s;
    QTest::newRow("startswith") << u"startswith(activityDisplayName,''' OR ''1''=''1')"_s;
    QTest::newRow("union") << u"correlationId eq ''' UNION SELECT id FROM audit --'"_s;
    QTest::newRow("lambda") << u"targetResources/any(t: t/displayName eq '''); DELETE FROM audit_targets; --')"_s;
    QTest::newRow("enum in") << u"loggedByService in ('x'') OR (1=1', 'PIM'' --')"_s;
    QTest::newRow("in ids") << u"id in ('a1'' OR id <> ''', 'x'')); DROP TABLE audit_targets; --')"_s;
}

void TestODataQuery::sqliteInjection()
{
    QFETCH(QString, filter);

    const auto compiled = compile(filter);
    QVERIFY2(compiled.ok(), qPrintable(compiled.ok() ? QString() : describe(compiled.error())));
    QCOMPARE(runAudit(*compiled), QStringList());
    QCOMPARE(countRows(u"audit"_s), 6);
    QCOMPARE(countRows(u"audit_targets"_s), 6);
}

void TestODataQuery::sqliteFromUrl_data()
{
    QTest::addColumn<QString>("url");
    QTest::addColumn<QStringList>("ids");

    const QString base = u"https://localhost/v1.0/auditLogs/directoryAudits?"_s;
    QTest::newRow("PIM console page") << base
            + u"%24filter=loggedByService%20eq%20%27PIM%27%20and%20"
              "activityDateTime%20ge%202024-05-01T00%3A00%3A00Z"
              "&%24orderby=activityDateTime%20desc&%24top=2&%24skip=1"_s
                                      << QStringList{ u"a3"_s, u"a2"_s };
    QTest::newRow("first page") << base
            + u"%24filter=loggedByService%20eq%20%27PIM%27&%24top=2"
              "&%24orderby=activityDateTime%20asc"_s
                                << QStringList{ u"a1"_s, u"a2"_s };
    QTest::newRow("encoded plus offset") << base + u"%24filter=activityDateTime%20lt%202024-05-01T02:00:00%2B02:00"_s
                                         << QStringList{ u"a1"_s };
    QTest::newRow("raw plus is not a space")
        << base + u"$filter=activityDateTime%20lt%202024-05-01T02:00:00+02:00"_s << QStringList{ u"a1"_s };
    QTest::newRow("encoded ampersand in a string")
        << base + u"%24filter=activityDisplayName%20eq%20%27a%26b%27%20or%20id%20eq%20%27a6%27"_s
        << QStringList{ u"a6"_s };
    QTest::newRow("lambda") << base + u"$filter=targetResources/any(t:t/id%20eq%20'r-sec')&$top=1000000000"_s
                            << QStringList{ u"a3"_s };
}

void TestODataQuery::sqliteFromUrl()
{
    QFETCH(QString, url);
    QFETCH(QStringList, ids);

    const auto query = ODataQuery::fromUrl(QUrl(url));
    QVERIFY2(query.ok(), qPrintable(query.ok() ? QString() : describe(query.error())));
    QVERIFY(query->filter.has_value());
    const auto where = auditCompiler().compileFilter(*query->filter);
    QVERIFY2(where.ok(), qPrintable(where.ok() ? QString() : describe(where.error())));
    const auto orderBy = auditCompiler().compileOrderBy(query->orderBy);
    QVERIFY(orderBy.ok());
    QCOMPARE(runAudit(*where, orderBy->isEmpty() ? u"a.id ASC"_s : *orderBy, query->pageSize(100), query->skip), ids);
}

QTEST_GUILESS_MAIN(TestODataQuery)
#include "TestODataQuery.moc"
