// kafkajs 2.2.4 against localoci's Kafka listener: produce keyed messages with a header,
// then consume them in a consumer group and print one JSON line with what came back.
// Usage: NODE_PATH=<dir>/node_modules node kafkajs_roundtrip.js  (settings in env, see below)
//   KAFKA_BOOTSTRAP, KAFKA_USERNAME, KAFKA_PASSWORD, KAFKA_TOPIC, KAFKA_GROUP, [KAFKA_CA]
const fs = require("fs");
const { Kafka, logLevel } = require("kafkajs");

const env = process.env;
const count = 5;
const kafka = new Kafka({
  clientId: "kafkajs-roundtrip",
  brokers: [env.KAFKA_BOOTSTRAP],
  ssl: env.KAFKA_CA ? { ca: [fs.readFileSync(env.KAFKA_CA, "utf-8")] } : false,
  sasl: { mechanism: "plain", username: env.KAFKA_USERNAME, password: env.KAFKA_PASSWORD },
  logLevel: logLevel.WARN,
  retry: { retries: 3, initialRetryTime: 100 },
});

async function main() {
  const producer = kafka.producer();
  await producer.connect();
  const sent = await producer.send({
    topic: env.KAFKA_TOPIC,
    messages: Array.from({ length: count }, (_, i) => ({
      key: `k${i}`, value: `v${i}`, headers: { source: "kafkajs" },
    })),
  });
  await producer.disconnect();

  const consumer = kafka.consumer({ groupId: env.KAFKA_GROUP, maxWaitTimeInMs: 200 });
  await consumer.connect();
  await consumer.subscribe({ topic: env.KAFKA_TOPIC, fromBeginning: true });
  const got = [];
  await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`only ${got.length} of ${count} messages`)), 20000);
    consumer.run({
      eachMessage: async ({ partition, message }) => {
        got.push({ partition, offset: Number(message.offset), key: message.key.toString(),
                   value: message.value.toString(), header: message.headers.source.toString() });
        if (got.length >= count) { clearTimeout(timer); resolve(); }
      },
    }).catch(reject);
  });
  await consumer.commitOffsets(got.map((m) => ({ topic: env.KAFKA_TOPIC, partition: m.partition,
                                                 offset: String(m.offset + 1) })));
  await consumer.disconnect();
  console.log(JSON.stringify({ sent: sent.length, got }));
}

main().catch((e) => { console.error(e.stack || String(e)); process.exit(1); });
