package io.sluice.destination.iceberg;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sluice.destination.iceberg.IcebergConfig.TimeType;
import io.sluice.spi.ConfigException;
import io.sluice.spi.DestinationFactory;
import io.sluice.spi.config.ConfigField;
import io.sluice.spi.config.ConfigSpec;
import io.sluice.spi.config.FieldType;
import java.nio.file.Path;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;

class TestIcebergConfig {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void defaultsArePinned() {
    IcebergConfig config = IcebergConfig.from(JSON.createObjectNode().put("warehouse", "/data/lake"));

    assertThat(config.warehouse()).isEqualTo(Path.of("/data/lake"));
    assertThat(config.warehouseLocation()).isEqualTo("file:/data/lake");
    assertThat(config.catalog().type()).isEqualTo("jdbc");
    assertThat(config.catalog().uri()).isEqualTo("jdbc:sqlite:/data/lake/catalog.db");
    assertThat(config.catalog().name()).isEqualTo("sluice");
    assertThat(config.catalog().username()).isNull();
    assertThat(config.catalog().password()).isNull();
    assertThat(config.targetFileSizeBytes()).isEqualTo(134_217_728L);
    assertThat(config.formatVersion()).isEqualTo(2);
    assertThat(config.timeType()).isEqualTo(TimeType.STRING);
    assertThat(config.softDeletes()).isFalse();
  }

  @Test
  void theSpecAdvertisesTheSameDefaultsAndLimits() {
    ConfigSpec spec = IcebergConfig.spec();

    assertThat(spec.fields()).extracting(ConfigField::name)
        .containsExactly("warehouse", "catalog", "target_file_size_bytes", "format_version", "time_type",
            "delete_mode");
    assertThat(spec.field("warehouse").orElseThrow().required()).isTrue();
    ConfigField catalog = spec.field("catalog").orElseThrow();
    assertThat(catalog.type()).isEqualTo(FieldType.OBJECT);
    assertThat(catalog.properties()).extracting(ConfigField::name)
        .containsExactly("type", "uri", "name", "username", "password");
    assertThat(catalog.properties().get(0).allowedValues()).containsExactly("jdbc");
    assertThat(catalog.properties().get(0).defaultValue().asText()).isEqualTo(IcebergConfig.DEFAULT_CATALOG_TYPE);
    assertThat(catalog.properties().get(2).defaultValue().asText()).isEqualTo("sluice");
    assertThat(catalog.properties().get(4).secret()).isTrue();
    ConfigField target = spec.field("target_file_size_bytes").orElseThrow();
    assertThat(target.defaultValue().asLong()).isEqualTo(134_217_728L);
    assertThat(target.minimum()).isEqualTo(1_048_576L);
    ConfigField version = spec.field("format_version").orElseThrow();
    assertThat(version.defaultValue().asInt()).isEqualTo(2);
    assertThat(version.minimum()).isEqualTo(2L);
    assertThat(version.maximum()).isEqualTo(3L);
    ConfigField timeType = spec.field("time_type").orElseThrow();
    assertThat(timeType.allowedValues()).containsExactly("string", "time");
    assertThat(timeType.defaultValue().asText()).isEqualTo("string");
    ConfigField deleteMode = spec.field("delete_mode").orElseThrow();
    assertThat(deleteMode.allowedValues()).containsExactly("hard", "soft");
    assertThat(deleteMode.defaultValue().asText()).isEqualTo("hard");
  }

  @Test
  void everyKeyIsMapped() {
    ObjectNode json = JSON.createObjectNode()
        .put("warehouse", "file:/srv/lake/../warehouse")
        .put("target_file_size_bytes", 2_097_152)
        .put("format_version", 3)
        .put("time_type", "time")
        .put("delete_mode", "soft");
    json.putObject("catalog")
        .put("type", "jdbc")
        .put("uri", "jdbc:postgresql://db:5432/iceberg")
        .put("name", "prod")
        .put("username", "lake")
        .put("password", "s3cr3t");

    IcebergConfig config = IcebergConfig.from(json);

    assertThat(config.warehouse()).isEqualTo(Path.of("/srv/warehouse"));
    assertThat(config.catalog().uri()).isEqualTo("jdbc:postgresql://db:5432/iceberg");
    assertThat(config.catalog().name()).isEqualTo("prod");
    assertThat(config.catalog().username()).isEqualTo("lake");
    assertThat(config.catalog().password()).isEqualTo("s3cr3t");
    assertThat(config.targetFileSizeBytes()).isEqualTo(2_097_152L);
    assertThat(config.formatVersion()).isEqualTo(3);
    assertThat(config.timeType()).isEqualTo(TimeType.TIME);
    assertThat(config.softDeletes()).isTrue();
    assertThat(config.toString()).doesNotContain("s3cr3t");
    assertThat(config.catalog().redact("login failed for lake/s3cr3t at jdbc:x?user=a&password=other;"))
        .isEqualTo("login failed for lake/**** at jdbc:x?user=a&password=****;");
  }

  @Test
  void crossFieldProblemsNameTheKey() {
    ObjectNode passwordOnly = JSON.createObjectNode().put("warehouse", "/w");
    passwordOnly.putObject("catalog").put("password", "s3cr3t");
    assertThatThrownBy(() -> IcebergConfig.from(passwordOnly))
        .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.key()).isEqualTo("catalog.password"))
        .hasMessage("Cannot use catalog.password without catalog.username: expected both or neither");

    ObjectNode notJdbc = JSON.createObjectNode().put("warehouse", "/w");
    notJdbc.putObject("catalog").put("uri", "postgresql://lake:s3cr3t@db/iceberg?password=s3cr3t");
    assertThatThrownBy(() -> IcebergConfig.from(notJdbc))
        .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.key()).isEqualTo("catalog.uri"))
        .hasMessageStartingWith("Cannot use catalog uri 'postgresql://...@db/iceberg?...': expected a JDBC URL")
        .hasMessageNotContaining("s3cr3t");

    assertThatThrownBy(() -> IcebergConfig.from(JSON.createObjectNode().put("warehouse", "s3://bucket/lake")))
        .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.key()).isEqualTo("warehouse"))
        .hasMessage("Cannot use warehouse 's3://bucket/lake': only local directories are supported; expected a "
            + "path such as /data/warehouse");
    assertThatThrownBy(() -> IcebergConfig.from(JSON.createObjectNode().put("warehouse", " ")))
        .isInstanceOf(ConfigException.class)
        .hasMessage("Cannot use an empty warehouse: expected a local directory path");
  }

  @Test
  void theFactoryIsFoundThroughServiceLoader() {
    assertThat(ServiceLoader.load(DestinationFactory.class).stream().map(ServiceLoader.Provider::get))
        .anySatisfy(factory -> {
          assertThat(factory).isInstanceOf(IcebergDestinationFactory.class);
          assertThat(factory.type()).isEqualTo("iceberg");
          assertThat(factory.spec().title()).isEqualTo("Apache Iceberg destination");
        });
  }
}
