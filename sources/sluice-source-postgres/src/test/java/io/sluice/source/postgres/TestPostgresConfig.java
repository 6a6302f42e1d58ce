package io.sluice.source.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sluice.spi.ConfigException;
import io.sluice.spi.config.ConfigField;
import io.sluice.spi.config.FieldType;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class TestPostgresConfig {

  private static ObjectNode minimal() {
    return JsonNodeFactory.instance.objectNode()
        .put("type", "postgres").put("host", "db.example.com").put("database", "shop").put("username", "sluice");
  }

  @Test
  void defaultsArePinned() {
    assertThat(PostgresConfig.from(minimal())).isEqualTo(new PostgresConfig("db.example.com", 5432, "shop", "sluice",
        "", List.of("public"), 2, "prefer", Optional.empty(), 10, 500_000));
  }

  @Test
  void everyKeyIsMapped() {
    ObjectNode config = minimal().put("port", 6543).put("password", "pw").put("max_threads", 8)
        .put("ssl_mode", "verify-full").put("ssl_root_cert", "/etc/ca.pem").put("connect_timeout_seconds", 30)
        .put("chunk_size_rows", 1000);
    config.putArray("schemas").add("a").add("B c");
    assertThat(PostgresConfig.from(config)).isEqualTo(new PostgresConfig("db.example.com", 6543, "shop", "sluice",
        "pw", List.of("a", "B c"), 8, "verify-full", Optional.of("/etc/ca.pem"), 30, 1000));
  }

  @Test
  void specDeclaresEveryKeyWithTypeBoundsAndDescription() {
    assertThat(PostgresConfig.SPEC.fields()).extracting(ConfigField::name).containsExactly("host", "port",
        "database", "username", "password", "schemas", "max_threads", "ssl_mode", "ssl_root_cert",
        "connect_timeout_seconds", "chunk_size_rows", "replication");
    assertThat(PostgresConfig.SPEC.fields()).allSatisfy(f -> assertThat(f.description()).endsWith("."));
    assertThat(PostgresConfig.SPEC.fields()).filteredOn(ConfigField::required).extracting(ConfigField::name)
        .containsExactly("host", "database", "username");
    assertThat(PostgresConfig.SPEC.fields()).filteredOn(ConfigField::secret).extracting(ConfigField::name)
        .containsExactly("password");
    assertThat(field("port").minimum()).isEqualTo(1);
    assertThat(field("port").maximum()).isEqualTo(65535);
    assertThat(field("max_threads").minimum()).isEqualTo(1);
    assertThat(field("max_threads").maximum()).isEqualTo(64);
    assertThat(field("connect_timeout_seconds").minimum()).isEqualTo(1);
    assertThat(field("connect_timeout_seconds").maximum()).isEqualTo(600);
    assertThat(field("chunk_size_rows").minimum()).isEqualTo(1000);
    assertThat(field("ssl_mode").allowedValues())
        .containsExactly("disable", "allow", "prefer", "require", "verify-ca", "verify-full");
    assertThat(field("schemas").itemType()).isEqualTo(FieldType.STRING);
    assertThat(field("ssl_root_cert").defaultValue()).isNull();
  }

  @Test
  void toStringNeverShowsThePassword() {
    PostgresConfig config = PostgresConfig.from(minimal().put("password", "Tr0mb0ne-S3cr3t"));
    assertThat(config.toString()).doesNotContain("Tr0mb0ne-S3cr3t").contains("sluice@db.example.com:5432/shop");
  }

  @Test
  void emptySchemaListIsAConfigError() {
    ObjectNode config = minimal();
    config.putArray("schemas");
    assertThatThrownBy(() -> PostgresConfig.from(config)).isInstanceOf(ConfigException.class)
        .hasMessage("Cannot use an empty list of schemas: name at least one schema")
        .satisfies(e -> assertThat(((ConfigException) e).key()).isEqualTo("schemas"));
  }

  private static ConfigField field(String name) {
    return PostgresConfig.SPEC.field(name).orElseThrow();
  }
}
