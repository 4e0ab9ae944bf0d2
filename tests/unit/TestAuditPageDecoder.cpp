// The SAX audit page decoder (GraphCodec::decodeAuditPage) against the tree decoder
// (pageFromJson<AuditEvent> over parse()): the same page, field by field, for generated and
// hand-written pages, and the same refusal for malformed ones. TestCodecMalformed runs its whole
// audit page corpus through both decoders as well.

#include "AuditFixtures.h"
#include "GraphCodec.h"

#include <QTest>

using namespace Elevate;

class TestAuditPageDecoder final : public QObject
{
    Q_OBJECT

private slots:
    void generatedPagesMatchTree();
    void edgeCasesMatchTree_data();
    void edgeCasesMatchTree();
    void errorsMatchTree_data();
    void errorsMatchTree();
    void limitsApply();
};

namespace {

Result<Page<AuditEvent>> viaTree(QByteArrayView bytes)
{
    Result<nlohmann::json> tree = GraphCodec::parse(bytes);
    if (!tree) {
        return tree.error();
    }
    return GraphCodec::pageFromJson<AuditEvent>(*tree);
}

// Field by field first, so that a difference names the field.
void compareEvents(const AuditEvent& sax, const AuditEvent& tree)
{
    QCOMPARE(sax.id, tree.id);
    QCOMPARE(sax.category, tree.category);
    QCOMPARE(sax.correlationId, tree.correlationId);
    QCOMPARE(sax.result, tree.result);
    QCOMPARE(sax.resultReason, tree.resultReason);
    QCOMPARE(sax.activityDisplayName, tree.activityDisplayName);
    QCOMPARE(sax.activityDateTime, tree.activityDateTime);
    QCOMPARE(sax.loggedByService, tree.loggedByService);
    QCOMPARE(sax.operationType, tree.operationType);
    QCOMPARE(sax.initiatedByUser.has_value(), tree.initiatedByUser.has_value());
    QCOMPARE(sax.initiatedByApp.has_value(), tree.initiatedByApp.has_value());
    if (sax.initiatedByUser) {
        QCOMPARE(sax.initiatedByUser->id, tree.initiatedByUser->id);
        QCOMPARE(sax.initiatedByUser->displayName, tree.initiatedByUser->displayName);
        QCOMPARE(sax.initiatedByUser->userPrincipalName, tree.initiatedByUser->userPrincipalName);
        QCOMPARE(sax.initiatedByUser->ipAddress, tree.initiatedByUser->ipAddress);
        QVERIFY(*sax.initiatedByUser == *tree.initiatedByUser);
    }
    if (sax.initiatedByApp) {
        QCOMPARE(sax.initiatedByApp->appId, tree.initiatedByApp->appId);
        QCOMPARE(sax.initiatedByApp->displayName, tree.initiatedByApp->displayName);
        QVERIFY(*sax.initiatedByApp == *tree.initiatedByApp);
    }
    QCOMPARE(sax.targetResources.size(), tree.targetResources.size());
    for (qsizetype i = 0; i < sax.targetResources.size(); ++i) {
        const AuditEvent::TargetResource& a = sax.targetResources[i];
        const AuditEvent::TargetResource& b = tree.targetResources[i];
        QCOMPARE(a.id, b.id);
        QCOMPARE(a.displayName, b.displayName);
        QCOMPARE(a.type, b.type);
        QCOMPARE(a.userPrincipalName, b.userPrincipalName);
        QCOMPARE(a.groupType, b.groupType);
        QCOMPARE(a.modifiedProperties.size(), b.modifiedProperties.size());
        QVERIFY(a.modifiedProperties == b.modifiedProperties);
    }
    QCOMPARE(sax.additionalDetails.size(), tree.additionalDetails.size());
    for (qsizetype i = 0; i < sax.additionalDetails.size(); ++i) {
        QCOMPARE(sax.additionalDetails[i].key, tree.additionalDetails[i].key);
        QCOMPARE(sax.additionalDetails[i].value, tree.additionalDetails[i].value);
    }
    QVERIFY(sax == tree);
}

void comparePages(QByteArrayView bytes)
{
    const Result<Page<AuditEvent>> sax = GraphCodec::decodeAuditPage(bytes);
    const Result<Page<AuditEvent>> tree = viaTree(bytes);
    QVERIFY2(tree.ok(), qPrintable(tree.ok() ? QString() : tree.error().toString()));
    QVERIFY2(sax.ok(), qPrintable(sax.ok() ? QString() : sax.error().toString()));
    QCOMPARE(sax->context, tree->context);
    QCOMPARE(sax->nextLink, tree->nextLink);
    QCOMPARE(sax->count, tree->count);
    QCOMPARE(sax->value.size(), tree->value.size());
    for (qsizetype i = 0; i < sax->value.size(); ++i) {
        compareEvents(sax->value[i], tree->value[i]);
        if (QTest::currentTestFailed()) {
            qWarning("event %lld differs", static_cast<long long>(i));
            return;
        }
    }
    QVERIFY(*sax == *tree);
}

QByteArray page(const QByteArray& members, const QByteArray& event)
{
    return "{" + members + "\"value\":[" + event + "]}";
}

const QByteArray Minimal = R"("id":"a1","activityDateTime":"2024-05-01T08:00:00Z")";

} // namespace

void TestAuditPageDecoder::generatedPagesMatchTree()
{
    Testing::AuditGenerator gen(7);
    const qint64 start = Timestamp::fromIso(u"2026-01-01T00:00:00Z")->ticks();
    for (int p = 0; p < 5; ++p) {
        Page<AuditEvent> page;
        page.context = QStringLiteral("https://graph.microsoft.com/v1.0/$metadata#auditLogs/directoryAudits");
        if (p % 2 == 0) {
            page.nextLink = QStringLiteral("https://graph.microsoft.com/v1.0/auditLogs/directoryAudits?$skiptoken=%1").arg(p);
        }
        if (p == 1) {
            page.count = 123456789012LL;
        }
        for (int i = 0; i < 400; ++i) {
            page.value << gen.next(Timestamp::fromTicks(start - qint64(p * 400 + i) * 12345678901LL));
        }
        // Every member the shape has, and some it does not: unicode, escapes, empty strings.
        if (!page.value[0].initiatedByUser) {
            page.value[0].initiatedByUser.emplace();
        }
        page.value[0].initiatedByUser->userType = QStringLiteral("Guest");
        page.value[0].initiatedByUser->homeTenantId = QStringLiteral("t-1");
        page.value[0].initiatedByUser->homeTenantName = QStringLiteral("Fabrikam \u00e9\u4e2d\U0001F600 \"quoted\"\n\\");
        page.value[1].targetResources[0].groupType = QStringLiteral("unifiedGroups");
        page.value[1].targetResources[0].modifiedProperties
            << AuditEvent::ModifiedProperty{QStringLiteral("Role.DisplayName"), QString(), QStringLiteral("\"GA\"")}
            << AuditEvent::ModifiedProperty{QString(), QStringLiteral(""), QStringLiteral("\t")};
        page.value[2].initiatedByApp = AuditEvent::AppInitiator{QStringLiteral("a"), QStringLiteral("b"),
                                                                QStringLiteral("c"), QStringLiteral("d")};
        page.value[3].result = AuditResult::Unknown;
        const QByteArray bytes = GraphCodec::serialize(GraphCodec::toJson(page));
        comparePages(bytes);
        if (QTest::currentTestFailed()) {
            return;
        }
        // And the page decodes to what was encoded.
        const Result<Page<AuditEvent>> sax = GraphCodec::decodeAuditPage(bytes);
        QVERIFY(sax.ok());
        QVERIFY(*sax == page);
    }
}

void TestAuditPageDecoder::edgeCasesMatchTree_data()
{
    QTest::addColumn<QByteArray>("document");
    QTest::newRow("empty value") << QByteArray(R"({"value":[]})");
    QTest::newRow("nulls everywhere") << page(R"("@odata.context":null,"@odata.count":null,"@odata.nextLink":null,)",
                                              "{" + Minimal + R"(,"category":null,"result":null,"initiatedBy":null,)"
                                                  R"("targetResources":null,"additionalDetails":null})");
    QTest::newRow("null initiators") << page({}, "{" + Minimal + R"(,"initiatedBy":{"user":null,"app":null}})");
    QTest::newRow("empty initiators") << page({}, "{" + Minimal + R"(,"initiatedBy":{"user":{},"app":{}}})");
    QTest::newRow("unknown members of every kind")
        << page(R"("@odata.deltaLink":"x","extra":{"a":[1,{"b":null}],"c":true},"n":1.5,)",
                "{" + Minimal
                    + R"(,"x":[[],{}],"y":{"id":5},"initiatedBy":{"device":{"id":1},"user":{"id":"u","z":[1]}},)"
                      R"("targetResources":[{"id":"t","q":{"modifiedProperties":5},"modifiedProperties":[{"w":[]}]}],)"
                      R"("additionalDetails":[{"key":"k","value":"v","more":{}}]})");
    QTest::newRow("members given twice, last wins")
        << page(R"("@odata.count":1,"@odata.count":2,)",
                "{" + Minimal
                    + R"(,"category":"a","category":"b","initiatedBy":{"user":{"id":"u1"}},"initiatedBy":{"app":{"appId":"x"}},)"
                      R"("targetResources":[{"id":"1"}],"targetResources":[{"id":"2"},{"id":"3"}],"id":"a2"})");
    QTest::newRow("value given twice") << QByteArray(R"({"value":[{"id":"1","activityDateTime":"2024-05-01T08:00:00Z"}],)"
                                                     R"("value":[]})");
    QTest::newRow("enum spellings") << page({}, "{" + Minimal + R"(,"result":"FAILURE"},{"id":"b",)"
                                                                R"("activityDateTime":"2024-05-01T08:00:00.1234567Z","result":"futureValue"})");
    QTest::newRow("empty id") << page({}, R"({"id":"","activityDateTime":"2024-05-01T08:00:00Z"})");
    QTest::newRow("count zero and max") << QByteArray(R"({"@odata.count":9223372036854775807,"value":[]})");
    QTest::newRow("whitespace") << QByteArray(" \n{ \"value\" : [ ] , \"@odata.count\" : 0 }\n\t");
}

void TestAuditPageDecoder::edgeCasesMatchTree()
{
    QFETCH(QByteArray, document);
    comparePages(document);
}

void TestAuditPageDecoder::errorsMatchTree_data()
{
    QTest::addColumn<QByteArray>("document");
    QTest::addColumn<QString>("path");
    const auto row = [](const char* name, const QByteArray& document, const char* path) {
        QTest::newRow(name) << document << QString::fromLatin1(path);
    };
    row("root array", "[]", "/");
    row("root string", "\"x\"", "/");
    row("root null", "null", "/");
    row("value missing", R"({"@odata.count":1})", "/value");
    row("value null", R"({"value":null})", "/value");
    row("value an object", R"({"value":{"a":[1]}})", "/value");
    row("value a number", R"({"value":1})", "/value");
    row("element a number", R"({"value":[1]})", "/value/0");
    row("element null", page({}, "{" + Minimal + "},null"), "/value/1");
    row("element an array", page({}, "{" + Minimal + "},[{}]"), "/value/1");
    row("id missing", page({}, R"({"activityDateTime":"2024-05-01T08:00:00Z"})"), "/value/0/id");
    row("id null", page({}, R"({"id":null,"activityDateTime":"2024-05-01T08:00:00Z"})"), "/value/0/id");
    row("time missing", page({}, "{" + Minimal + R"(},{"id":"x"})"), "/value/1/activityDateTime");
    row("time empty", page({}, R"({"id":"x","activityDateTime":""})"), "/value/0/activityDateTime");
    row("time invalid", page({}, R"({"id":"x","activityDateTime":"yesterday"})"), "/value/0/activityDateTime");
    row("id a number", page({}, R"({"id":1,"activityDateTime":"2024-05-01T08:00:00Z"})"), "/value/0/id");
    row("result an object", page({}, "{" + Minimal + R"(,"result":{"a":1}})"), "/value/0/result");
    row("initiatedBy an array", page({}, "{" + Minimal + R"(,"initiatedBy":[]})"), "/value/0/initiatedBy");
    row("user a string", page({}, "{" + Minimal + R"(,"initiatedBy":{"user":"u"}})"), "/value/0/initiatedBy/user");
    row("app field a bool", page({}, "{" + Minimal + R"(,"initiatedBy":{"app":{"appId":true}}})"),
        "/value/0/initiatedBy/app/appId");
    row("targets an object", page({}, "{" + Minimal + R"(,"targetResources":{}})"), "/value/0/targetResources");
    row("target a string", page({}, "{" + Minimal + R"(,"targetResources":[{},"t"]})"), "/value/0/targetResources/1");
    row("modified property value a number",
        page({}, "{" + Minimal + R"(,"targetResources":[{},{"modifiedProperties":[{},{"newValue":1.5}]}]})"),
        "/value/0/targetResources/1/modifiedProperties/1/newValue");
    row("detail an array", page({}, "{" + Minimal + R"(,"additionalDetails":[[]]})"), "/value/0/additionalDetails/0");
    row("count a string", R"({"@odata.count":"1","value":[]})", "/@odata.count");
    row("count a float", R"({"@odata.count":1.0,"value":[]})", "/@odata.count");
    row("count negative", R"({"@odata.count":-1,"value":[]})", "/@odata.count");
    row("count too large", R"({"@odata.count":18446744073709551615,"value":[]})", "/@odata.count");
    row("count an array", R"({"@odata.count":[1],"value":[]})", "/@odata.count");
    row("context an object", R"({"@odata.context":{},"value":[]})", "/@odata.context");
    // The tree reader looks at the page's own members first, whatever their order.
    row("bad element before bad count", R"({"value":[1],"@odata.count":true})", "/@odata.count");
    row("bad count before bad context", R"({"@odata.count":true,"@odata.context":1,"value":[]})", "/@odata.context");
    row("bad nextLink after a bad event",
        page({}, R"({"id":1})") + R"(,{"@odata.nextLink":2})", ""); // malformed: the syntax error wins
    row("string too long", page({}, "{" + Minimal + R"(,"category":")" + QByteArray(GraphCodec::MaxStringBytes + 1, 'a') + "\"}"),
        "/value/0/category");
    row("invalid UTF-8", page({}, "{" + Minimal + ",\"category\":\"\xff\"}"), "");
    row("truncated", page({}, "{" + Minimal).chopped(1), "");
    row("trailing garbage", R"({"value":[]} x)", "");
    row("number overflow", R"({"value":[],"@odata.count":1e999})", "");
    row("syntax error after a field error", R"({"value":[1], "x":})", "");
}

void TestAuditPageDecoder::errorsMatchTree()
{
    QFETCH(QByteArray, document);
    QFETCH(QString, path);
    const Result<Page<AuditEvent>> sax = GraphCodec::decodeAuditPage(document);
    const Result<Page<AuditEvent>> tree = viaTree(document);
    QVERIFY2(!tree.ok(), "the tree decoder accepted it");
    QVERIFY2(!sax.ok(), "the SAX decoder accepted it");
    QCOMPARE(sax.error().path, tree.error().path);
    QCOMPARE(sax.error().message, tree.error().message);
    QCOMPARE(sax.error().path, path.isEmpty() ? QString() : path);
}

void TestAuditPageDecoder::limitsApply()
{
    QByteArray deep = "{\"value\":[{\"x\":" + QByteArray(GraphCodec::MaxDepth, '[') + QByteArray(GraphCodec::MaxDepth, ']')
                      + "}]}";
    const auto sax = GraphCodec::decodeAuditPage(deep);
    QVERIFY(!sax.ok());
    QVERIFY2(sax.error().message.contains(u"nested deeper"), qPrintable(sax.error().toString()));
    QVERIFY(!GraphCodec::decodeAuditPage(" \n ").ok());
    QByteArray big = page({}, "{" + Minimal + R"(,"x":")" + QByteArray(GraphCodec::MaxDocumentBytes, 'a') + "\"}");
    const auto huge = GraphCodec::decodeAuditPage(big);
    QVERIFY(!huge.ok());
    QVERIFY2(huge.error().message.contains(u"larger than"), qPrintable(huge.error().toString()));
}

QTEST_GUILESS_MAIN(TestAuditPageDecoder)
#include "TestAuditPageDecoder.moc"
