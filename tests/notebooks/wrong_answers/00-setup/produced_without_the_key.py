# Produces a message, but without the key it names.
my_key = "ada"
form.produce("ready")
