"""Date and number formats for languages Django ships none for (Arabic-script Kazakh)."""
