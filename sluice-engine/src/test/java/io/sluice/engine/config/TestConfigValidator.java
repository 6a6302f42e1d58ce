package io.sluice.engine.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sluice.spi.ConfigException;
import io.sluice.spi.config.ConfigField;
import io.sluice.spi.config.ConfigSpec;
import io.sluice.spi.config.FieldType;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TestConfigValidator {
  private static final ConfigSpec SPEC = new ConfigSpec("test", List.of(
      ConfigField.string("host").markRequired(),
      ConfigField.integer("port").defaultsTo(5432).range(1, 65535),
      ConfigField.string("password").markSecret().defaultsTo(""),
      ConfigField.string("ssl_mode").oneOf("disable", "require").defaultsTo("disable"),
      ConfigField.array("schemas", FieldType.STRING),
      ConfigField.object("replication", List.of(ConfigField.string("slot").defaultsTo("sluice")))));

  private final SecretRegistry secrets = new SecretRegistry();
  private final Map<String, String> env = Map.of("PG_PASSWORD", "s3cret-from-env", "PG_PORT", "6543");
  private final ConfigValidator validator = new ConfigValidator(env::get, secrets);

  private ObjectNode validate(String json) {
    return validator.validate(JsonFiles.parseObject(json, "source.json"), SPEC, "source.json", List.of("type"));
  }

  @Test
  void fillsDefaultsAndKeepsType() {
    JsonNode result = validate("{\"type\":\"postgres\",\"host\":\"db\"}");
    assertThat(result.get("type").asText()).isEqualTo("postgres");
    assertThat(result.get("port").asInt()).isEqualTo(5432);
    assertThat(result.get("ssl_mode").asText()).isEqualTo("disable");
    assertThat(result.get("replication").get("slot").asText()).isEqualTo("sluice");
  }

  @Test
  void resolvesEnvironmentReferencesAndRemembersSecrets() {
    JsonNode result = validate("{\"host\":\"db\",\"password\":\"${PG_PASSWORD}\",\"port\":\"${PG_PORT}\"}");
    assertThat(result.get("password").asText()).isEqualTo("s3cret-from-env");
    assertThat(result.get("port").asInt()).isEqualTo(6543);
    assertThat(secrets.redact("login failed for s3cret-from-env")).isEqualTo("login failed for ****");
  }

  @Test
  void unsetEnvironmentVariableIsNamed() {
    assertThatThrownBy(() -> validate("{\"host\":\"db\",\"password\":\"${NOT_SET_ANYWHERE}\"}"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("source.json")
        .hasMessageContaining("NOT_SET_ANYWHERE, which is not set");
  }

  @Test
  void reportsEveryProblemAtOnceOnOneLine() {
    assertThatThrownBy(() -> validate("{\"hots\":\"db\",\"port\":70000,\"ssl_mode\":\"requir\"}"))
        .isInstanceOf(ConfigException.class)
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"))
        .hasMessageContaining("key 'hots' is unknown (did you mean 'host'?)")
        .hasMessageContaining("key 'port' is 70000, expected an integer in 1..65535")
        .hasMessageContaining("key 'ssl_mode' is 'requir' (did you mean 'require'?)")
        .hasMessageContaining("key 'host' is missing");
  }

  @Test
  void wrongTypesNameKeyAndExpectation() {
    assertThatThrownBy(() -> validate("{\"host\":5,\"schemas\":\"public\",\"replication\":{\"slto\":\"x\"}}"))
        .hasMessageContaining("key 'host' is number 5, expected a string")
        .hasMessageContaining("key 'schemas' is string \"public\", expected an array")
        .hasMessageContaining("key 'replication.slto' is unknown (did you mean 'slot'?)");
  }

  @Test
  void secretValuesAreNeverEchoed() {
    assertThatThrownBy(() -> validate("{\"host\":\"db\",\"password\":12345678}"))
        .hasMessageContaining("key 'password' is a number, expected a string")
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("12345678"));
  }
}
