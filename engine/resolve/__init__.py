"""Resolution of frame slot text into values a bot can book with: dates and airports."""
