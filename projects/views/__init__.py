"""The subsidy dossiers' pages, one module per side.

- `provider`: menu option 2.4 "Overzicht projecten" (ProviderAccessMixin): the
  overview with filters, sorting, totals and exports, a dossier's page and the
  confirmation pages to confirm or refuse an application.
- `sme`: the client's pages (profile "Gebruiker", SMEAccessMixin, mounted at
  /kmo/dossiers/): the application in three steps, "Mijn steunaanvragen", a
  dossier's page and its stop.
- `dossier`: what both sides' dossier pages share: one dossier within the side's
  scope, its page, and the confirmation page of a step on it.

Views only parse input and render: the rules (14-day term, rates, ceiling,
transitions) are in projects.models, projects.rates and projects.services; what a
page shows of a dossier (status, deadline, next step, history) in
projects.presenters.
"""
