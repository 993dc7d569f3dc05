my_key = "ada"
form.produce("ready", key=my_key)
