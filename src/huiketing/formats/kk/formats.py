# Kazakh as written in Xinjiang: the same layout as Django's Uyghur formats, Monday first.
DATE_FORMAT = "Y-m-d"
TIME_FORMAT = "G:i"
DATETIME_FORMAT = "Y-m-d G:i"
YEAR_MONTH_FORMAT = "Y-m"
MONTH_DAY_FORMAT = "m-d"
SHORT_DATE_FORMAT = "Y/m/d"
SHORT_DATETIME_FORMAT = "Y/m/d G:i"
FIRST_DAY_OF_WEEK = 1
DECIMAL_SEPARATOR = "."
THOUSAND_SEPARATOR = ","
NUMBER_GROUPING = 3
