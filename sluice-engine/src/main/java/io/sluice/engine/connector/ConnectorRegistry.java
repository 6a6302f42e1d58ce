package io.sluice.engine.connector;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sluice.engine.config.ConfigValidator;
import io.sluice.spi.ConfigException;
import io.sluice.spi.Destination;
import io.sluice.spi.DestinationFactory;
import io.sluice.spi.Source;
import io.sluice.spi.SourceFactory;
import io.sluice.spi.config.ConfigSpec;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.TreeMap;

/**
 * The connectors on the class path, found through {@link ServiceLoader}, and the one place where a config
 * file's {@code type} picks a connector, is validated against its spec, and becomes a live object.
 */
public final class ConnectorRegistry {
  private static final List<String> RESERVED_KEYS = List.of("type");

  private final Map<String, SourceFactory> sources = new TreeMap<>();
  private final Map<String, DestinationFactory> destinations = new TreeMap<>();
  private final ConfigValidator validator;

  public ConnectorRegistry(ConfigValidator validator) {
    this(validator, ServiceLoader.load(SourceFactory.class), ServiceLoader.load(DestinationFactory.class));
  }

  public ConnectorRegistry(
      ConfigValidator validator, Iterable<SourceFactory> sourceFactories,
      Iterable<DestinationFactory> destinationFactories) {
    this.validator = validator;
    sourceFactories.forEach(f -> sources.put(f.type(), f));
    destinationFactories.forEach(f -> destinations.put(f.type(), f));
  }

  public Map<String, SourceFactory> sourceFactories() {
    return Map.copyOf(sources);
  }

  public Map<String, DestinationFactory> destinationFactories() {
    return Map.copyOf(destinations);
  }

  /** Validates a source config file's content and creates the source (without connecting). */
  public Source createSource(JsonNode config, String origin) {
    SourceFactory factory = pick(config, origin, sources, "source");
    return factory.create(validate(config, factory.spec(), origin));
  }

  /** Validates a destination config file's content and creates the destination (without connecting). */
  public Destination createDestination(JsonNode config, String origin) {
    DestinationFactory factory = pick(config, origin, destinations, "destination");
    return factory.create(validate(config, factory.spec(), origin));
  }

  private ObjectNode validate(JsonNode config, ConfigSpec spec, String origin) {
    return validator.validate(config, spec, origin, RESERVED_KEYS);
  }

  private static <F> F pick(JsonNode config, String origin, Map<String, F> factories, String role) {
    JsonNode type = config.get("type");
    String known = String.join(", ", factories.keySet());
    if (type == null || !type.isTextual()) {
      throw new ConfigException("type", "Invalid " + origin + ": key 'type' is "
          + (type == null ? "missing" : "not a string") + ", expected the " + role + " type, one of " + known);
    }
    F factory = factories.get(type.asText());
    if (factory == null) {
      String hint = io.sluice.engine.config.Suggestions.suggest(type.asText(), factories.keySet())
          .map(s -> " (did you mean '" + s + "'?)").orElse("");
      throw new ConfigException("type", "Invalid " + origin + ": key 'type' is '" + type.asText() + "', an unknown "
          + role + " type" + hint + ", expected one of " + known);
    }
    return factory;
  }

  /** The source connector of that type, if one is installed. */
  public java.util.Optional<SourceFactory> sourceFactory(String type) {
    return java.util.Optional.ofNullable(sources.get(type));
  }

  /** The destination connector of that type, if one is installed. */
  public java.util.Optional<DestinationFactory> destinationFactory(String type) {
    return java.util.Optional.ofNullable(destinations.get(type));
  }
}
