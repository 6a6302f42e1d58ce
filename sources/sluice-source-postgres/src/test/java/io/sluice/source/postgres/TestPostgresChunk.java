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
    assertThat(first.predicate()).contains("\"Order Id\" < 500001");
    assertThat(middle.predicate()).contains("\"Order Id\" >= -5 AND \"Order Id\" < 500001");
    assertThat(last.predicate()).contains("\"Order Id\" >= 500001");
    assertThat(middle.toJson()).hasToString("{\"kind\":\"pk\",\"column\":\"Order Id\",\"from\":-5,\"to\":500001}");

    PostgresChunk pages = new PostgresChunk.PageRange(8192, 16384L);
    assertThat(pages.id()).isEqualTo("ctid:8192..16384");
    assertThat(pages.predicate()).contains("ctid >= '(8192,0)'::tid AND ctid < '(16384,0)'::tid");
    assertThat(new PostgresChunk.PageRange(0, 10L).predicate()).contains("ctid < '(10,0)'::tid");
    assertThat(new PostgresChunk.PageRange(10, null).predicate()).contains("ctid >= '(10,0)'::tid");
    assertThat(new PostgresChunk.PageRange(0, null).predicate()).isEmpty();
    assertThat(pages.toJson()).hasToString("{\"kind\":\"ctid\",\"from_page\":8192,\"to_page\":16384}");

    assertThat(new PostgresChunk.WholeTable().predicate()).isEmpty();
    assertThat(new PostgresChunk.WholeTable().toJson()).hasToString("{\"kind\":\"table\"}");
  }

  @Test
  void descriptorsRoundTrip() {
    for (PostgresChunk chunk : List.of(new PostgresChunk.WholeTable(), new PostgresChunk.KeyRange("id", null, 3L),
        new PostgresChunk.KeyRange("id", Long.MIN_VALUE, Long.MAX_VALUE), new PostgresChunk.PageRange(0, null),
        new PostgresChunk.PageRange(4, 8L))) {
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
  }
}
