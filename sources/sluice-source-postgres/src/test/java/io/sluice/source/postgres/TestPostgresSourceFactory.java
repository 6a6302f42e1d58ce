package io.sluice.source.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.sluice.spi.Source;
import io.sluice.spi.SourceFactory;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;

class TestPostgresSourceFactory {

  @Test
  void isFoundThroughServiceLoaderAsPostgres() {
    assertThat(ServiceLoader.load(SourceFactory.class).stream().map(ServiceLoader.Provider::get))
        .anySatisfy(factory -> {
          assertThat(factory).isInstanceOf(PostgresSourceFactory.class);
          assertThat(factory.type()).isEqualTo("postgres");
          assertThat(factory.spec()).isSameAs(PostgresConfig.SPEC);
        });
  }

  @Test
  void createDoesNotConnectAndReadsMaxThreads() {
    // Port 9 (discard) on a host that does not exist: creating must not try to reach it.
    Source source = new PostgresSourceFactory().create(JsonNodeFactory.instance.objectNode()
        .put("host", "no-such-host.invalid").put("port", 9).put("database", "d").put("username", "u")
        .put("max_threads", 7));
    assertThat(source.maxConcurrentReads()).isEqualTo(7);
    source.close();
  }
}
