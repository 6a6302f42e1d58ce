package io.sluice.engine.progress;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.sluice.engine.config.JsonFiles;
import io.sluice.spi.StreamId;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TestStatsEndpoint {

  @Test
  void servesEveryStreamsCountersAndPositionAsJson() throws Exception {
    StreamProgress incremental = new StreamProgress(StreamId.of("public", "accounts"));
    incremental.phase(StreamProgress.Phase.PLANNING);
    incremental.rowsRead(1_500, 90_000);
    incremental.position(Map.of("saved_cursor", "2026-03-01T12:00", "rows_behind", 100_000L,
        "rows_behind_capped", "true"));
    incremental.position(Map.of("last_poll_at", "2026-03-01T12:01:00Z"));
    StreamProgress cdc = new StreamProgress(StreamId.of("public", "orders"));
    cdc.phase(StreamProgress.Phase.STREAMING);
    cdc.changesCommitted(42);
    Clock clock = Clock.fixed(Instant.parse("2026-11-22T10:00:00Z"), ZoneOffset.UTC);

    try (StatsEndpoint endpoint = StatsEndpoint.start(0, List.of(incremental, cdc), clock)) {
      HttpResponse<String> response = HttpClient.newHttpClient().send(
          HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + endpoint.port() + "/stats")).build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(response.statusCode()).isEqualTo(200);
      assertThat(response.headers().firstValue("Content-Type")).hasValue("application/json; charset=utf-8");
      JsonNode body = JsonFiles.MAPPER.readTree(response.body());
      assertThat(body.get("at").asText()).isEqualTo("2026-11-22T10:00:00Z");
      JsonNode first = body.get("streams").get(0);
      assertThat(first.get("stream").asText()).isEqualTo("public.accounts");
      assertThat(first.get("phase").asText()).isEqualTo("planning");
      assertThat(first.get("rows_read").asLong()).isEqualTo(1_500);
      assertThat(first.at("/position/rows_behind").asLong()).isEqualTo(100_000);
      assertThat(first.at("/position/rows_behind_capped").asText()).isEqualTo("true");
      assertThat(first.at("/position/saved_cursor").asText()).as("earlier facts are kept").isEqualTo("2026-03-01T12:00");
      assertThat(first.at("/position/last_poll_at").asText()).isEqualTo("2026-03-01T12:01:00Z");
      JsonNode second = body.get("streams").get(1);
      assertThat(second.get("phase").asText()).isEqualTo("streaming");
      assertThat(second.get("changes_committed").asLong()).isEqualTo(42);
    }
  }

  @Test
  void aPortInUseIsAOneLineConfigError() throws Exception {
    try (StatsEndpoint first = StatsEndpoint.start(0, List.of(), Clock.systemUTC())) {
      org.assertj.core.api.Assertions.assertThatThrownBy(
              () -> StatsEndpoint.start(first.port(), List.of(), Clock.systemUTC()))
          .hasMessageStartingWith("Cannot serve stats on 127.0.0.1:" + first.port() + ": ")
          .hasMessageEndingWith("; pick another --stats-port (0 picks a free one)");
    }
  }
}
