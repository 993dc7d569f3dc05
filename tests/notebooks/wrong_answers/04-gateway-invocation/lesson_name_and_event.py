# Reuses the lesson's call: the name "Ada" and the event found above, both from before the exercise.
my_name = "Ada"
my_event = event
