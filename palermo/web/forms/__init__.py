"""Forms for the web interface: Django forms that validate one page each, with GOV.UK error
wording ("Enter the date of birth", never "This field is required")."""
