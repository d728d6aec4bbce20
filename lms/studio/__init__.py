"""The course studio: trainers edit a course's draft sources in the browser and publish them."""
