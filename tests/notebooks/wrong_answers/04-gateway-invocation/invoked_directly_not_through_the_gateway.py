# Invokes the function directly with the SDK (like `fn invoke`): it publishes, but no HTTP call went through the gateway.
import json

import oci

from labhelpers.gateway import hello_events

my_name = "Ada Lovelace"
invoker = oci.functions.FunctionsInvokeClient(
    lab.config,
    service_endpoint=hello.function.invoke_endpoint,
    **({"signer": lab.signer} if lab.signer is not None else {}),
)
answer = invoker.invoke_function(
    hello.function.id, invoke_function_body=json.dumps({"name": my_name})
)
print(answer.data.text)
my_event = hello_events(client, stream, my_name)[-1]
