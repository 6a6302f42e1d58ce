package io.sluice.source.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.sluice.spi.SluiceException;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class TestPostgresChunk {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void idsPredicatesAndDescriptors() {
    PostgresChunk first = new PostgresChunk.KeyRange("Order Id", null, 500_001L);
    PostgresChunk middle = new PostgresChunk.KeyRange("Order Id", -5L, 500_001L);
    PostgresChunk last = new PostgresChunk.KeyRange("Order Id", 500_001L, null);
    assertThat(List.of(first, middle, last)).extracting(PostgresChunk::id)
        .containsExactly("pk:..500001", "pk:-5..500001", "pk:500001..");
    assertThat(first.predicate(column -> "int8")).contains("\"Order Id\" < 500001");
    assertThat(middle.predicate(column -> "int8")).contains("\"Order Id\" >= -5 AND \"Order Id\" < 500001");
    assertThat(last.predicate(column -> "int8")).contains("\"Order Id\" >= 500001");
    assertThat(middle.toJson()).hasToString("{\"kind\":\"pk\",\"column\":\"Order Id\",\"from\":-5,\"to\":500001}");

    PostgresChunk pages = new PostgresChunk.PageRange(8192, 16384L);
    assertThat(pages.id()).isEqualTo("ctid:8192..16384");
    assertThat(pages.predicate(column -> "int8")).contains("ctid >= '(8192,0)'::tid AND ctid < '(16384,0)'::tid");
    assertThat(new PostgresChunk.PageRange(0, 10L).predicate(column -> "int8")).contains("ctid < '(10,0)'::tid");
    assertThat(new PostgresChunk.PageRange(10, null).predicate(column -> "int8")).contains("ctid >= '(10,0)'::tid");
    assertThat(new PostgresChunk.PageRange(0, null).predicate(column -> "int8")).isEmpty();
    assertThat(pages.toJson()).hasToString("{\"kind\":\"ctid\",\"from_page\":8192,\"to_page\":16384}");

    assertThat(new PostgresChunk.WholeTable().predicate(column -> "int8")).isEmpty();
    assertThat(new PostgresChunk.WholeTable().toJson()).hasToString("{\"kind\":\"table\"}");
  }

  @Test
  void keySpansCompareTheKeyAsARowAgainstLiteralsCastToTheColumnsCurrentTypes() {
    java.util.Map<String, String> types = java.util.Map.of("region", "character varying(8)", "Id", "uuid");
    PostgresChunk.KeySpan middle = new PostgresChunk.KeySpan(List.of("region", "Id"),
        List.of("eu", "00000000-0000-0000-0000-000000000001"), List.of("o'hare\\", "ffffffff-0000-0000-0000-000000000000"));
    assertThat(middle.predicate(types::get)).contains("(\"region\", \"Id\") >= ('eu'::character varying(8), "
        + "'00000000-0000-0000-0000-000000000001'::uuid) AND (\"region\", \"Id\") < (E'o''hare\\\\'::character "
        + "varying(8), 'ffffffff-0000-0000-0000-000000000000'::uuid)");
    PostgresChunk.KeySpan first = new PostgresChunk.KeySpan(List.of("code"), null, List.of("m"));
    assertThat(first.predicate(column -> "text")).contains("\"code\" < 'm'::text");
    assertThat(first.id()).isEqualTo("keys:..m");
    PostgresChunk.KeySpan last = new PostgresChunk.KeySpan(List.of("code"), List.of("m"), null);
    assertThat(last.predicate(column -> "text")).contains("\"code\" >= 'm'::text");
    assertThat(new PostgresChunk.KeySpan(List.of("code"), null, null).predicate(column -> "text")).isEmpty();
    // a bound from an edited state file stays one quoted literal, a column name one quoted identifier
    assertThat(new PostgresChunk.KeySpan(List.of("a\"b"), List.of("'; DROP TABLE t; --"), null).predicate(c -> "text"))
        .contains("\"a\"\"b\" >= '''; DROP TABLE t; --'::text");
    assertThat(middle.toJson()).hasToString("{\"kind\":\"keys\",\"columns\":[\"region\",\"Id\"],"
        + "\"from\":[\"eu\",\"00000000-0000-0000-0000-000000000001\"],"
        + "\"to\":[\"o'hare\\\\\",\"ffffffff-0000-0000-0000-000000000000\"]}");
  }

  @Test
  void longKeySpanIdsAreAPrefixAndAHashOfTheWhole() {
    String shared = "x".repeat(200);
    PostgresChunk.KeySpan one = new PostgresChunk.KeySpan(List.of("k"), List.of(shared + "a"), List.of(shared + "b"));
    PostgresChunk.KeySpan other = new PostgresChunk.KeySpan(List.of("k"), List.of(shared + "b"), List.of(shared + "c"));
    assertThat(one.id()).hasSize(100).startsWith("keys:xxx").isNotEqualTo(other.id());
    assertThat(one.id()).isEqualTo(new PostgresChunk.KeySpan(List.of("k"), List.of(shared + "a"),
        List.of(shared + "b")).id());
  }

  @Test
  void descriptorsRoundTrip() {
    for (PostgresChunk chunk : List.of(new PostgresChunk.WholeTable(), new PostgresChunk.KeyRange("id", null, 3L),
        new PostgresChunk.KeyRange("id", Long.MIN_VALUE, Long.MAX_VALUE), new PostgresChunk.PageRange(0, null),
        new PostgresChunk.PageRange(4, 8L), new PostgresChunk.KeySpan(List.of("a", "b"), null, List.of("x", "1")),
        new PostgresChunk.KeySpan(List.of("a"), List.of("x"), List.of("y")),
        new PostgresChunk.KeySpan(List.of("a"), List.of("'; DROP TABLE t; --"), null))) {
      assertThat(PostgresChunk.fromJson(chunk.id(), chunk.toJson())).isEqualTo(chunk);
    }
  }

  @Test
  void snapshotIsReadFromTheDescriptor() throws Exception {
    assertThat(PostgresChunk.snapshotOf(JSON.readTree("{\"kind\":\"table\",\"snapshot\":\"00000003-0000001B-1\"}")))
        .contains("00000003-0000001B-1");
    assertThat(PostgresChunk.snapshotOf(JSON.readTree("{\"kind\":\"table\"}"))).isEqualTo(Optional.empty());
  }

  @Test
  void foreignDescriptorsAreRefusedNamingTheSplit() throws Exception {
    assertThatThrownBy(() -> PostgresChunk.fromJson("x:1", JSON.readTree("{\"kind\":\"lsn\"}")))
        .isInstanceOf(SluiceException.class)
        .hasMessageStartingWith("Cannot read split x:1: its descriptor {\"kind\":\"lsn\"} is not a postgres chunk");
    assertThatThrownBy(() -> PostgresChunk.fromJson("pk", JSON.readTree("{\"kind\":\"pk\"}")))
        .isInstanceOf(SluiceException.class);
    for (String keys : List.of("{\"kind\":\"keys\"}", "{\"kind\":\"keys\",\"columns\":[]}",
        "{\"kind\":\"keys\",\"columns\":[\"a\"],\"from\":[\"1\",\"2\"]}",
        "{\"kind\":\"keys\",\"columns\":[\"a\"],\"to\":[1]}",
        "{\"kind\":\"keys\",\"columns\":[\"a\"],\"from\":\"1\"}")) {
      assertThatThrownBy(() -> PostgresChunk.fromJson("keys:x", JSON.readTree(keys))).as(keys)
          .isInstanceOf(SluiceException.class).hasMessageContaining("is not a postgres chunk");
    }
  }
}
