"""The access matrix, written down once: every endpoint of the URL map and who may use it.

A new route without an entry here fails tests/web/test_access_matrix.py. Policies:

  public             anyone, signed in or not
  login              any signed-in user (the page itself filters what each sees)
  staff              admins and conveners (others: 403)
  admin              administrators only (others: 403)
  person             staff; chairs/viewers only for people in their partnerships (else 404)
  partnership        users given the partnership (admins: all); others 404
  partnership_staff  admins, and conveners given the partnership; chairs/viewers of it 403;
                     users of other partnerships 404
  partnership_chair  like partnership_staff, but chairs of the partnership are allowed too
  api                the JSON API: checked by tests/web/test_api_access.py instead
  own                the signed-in user's own object (another user's: 404)

Sections are per blueprint so features add their lines without touching each other's.
"""

ACCESS = {
    # --- static and main ---
    "static": "public",
    "main.healthz": "public",
    "main.favicon": "public",
    "main.dashboard": "login",
    # --- accounts ---
    "accounts.login": "public",
    "accounts.setup": "public",
    "accounts.setup_demo": "public",
    "accounts.logout": "login",
    "accounts.account": "login",
    "accounts.create_token": "login",
    "accounts.revoke_token": "own",
    "accounts.users": "admin",
    "accounts.edit_user": "admin",
    "accounts.disable_user": "admin",
    "accounts.enable_user": "admin",
    "accounts.start_reset": "admin",
    "accounts.reset_password": "public",
    # --- contacts ---
    "contacts.people": "login",
    "contacts.new_person": "staff",
    "contacts.suggested": "staff",
    "contacts.confirm_suggested": "staff",
    "contacts.dismiss_suggested": "staff",
    "contacts.person": "person",
    "contacts.edit_person": "staff",
    "contacts.archive_person": "staff",
    "contacts.add_tie": "staff",
    "contacts.delete_tie": "staff",
    "contacts.search_people": "login",
    "contacts.bulk_ties": "staff",
    "contacts.organisations": "login",
    "contacts.new_organisation": "staff",
    "contacts.organisation": "person",
    "contacts.edit_organisation": "staff",
    "contacts.archive_organisation": "staff",
    # --- partnerships ---
    "partnerships.index": "login",
    "partnerships.new": "staff",
    "partnerships.detail": "partnership",
    "partnerships.add_member": "partnership_staff",
    "partnerships.people_search": "partnership_staff",
    "partnerships.add_people": "staff",
    "partnerships.update_member": "partnership_staff",
    "partnerships.move": "partnership_staff",
    "partnerships.pipeline": "partnership",
    "partnerships.readiness": "partnership",
    "partnerships.edit": "partnership_staff",
}

ACCESS.update({
    # --- api (checked by tests/web/test_api_access.py) ---
    "api.openapi": "public",
    "api.create_import": "api",
    "api.list_partnerships": "api",
    "api.create_partnership": "api",
    "api.get_partnership": "api",
    "api.list_users": "api",
    "api.get_user": "api",
    "api.update_user": "api",
    "api.disable_user": "api",
    "api.enable_user": "api",
    "api.start_reset": "api",
    "api.export_person_data": "api",
    "api.erase_person": "api",
})

ACCESS.update({
    # --- outreach pages ---
    "outreach.partnership_outreach": "partnership",
    "outreach.create_meeting": "partnership_staff",
    "outreach.meeting": "partnership",
    "outreach.move_meeting": "partnership_staff",
    "outreach.edit_meeting": "partnership_staff",
    "outreach.add_task": "partnership_chair",
    "outreach.meeting_ics": "partnership",
    # --- launch (the door: staff of the partnership and its chairs) ---
    "launch.attendance": "partnership_chair",
    "launch.mark": "partnership_chair",
    "launch.walk_in": "partnership_chair",
    "launch.people_search": "partnership_chair",
    "launch.priority_areas": "partnership",
    "launch.create_priority_area": "partnership_chair",
    "launch.add_champion": "partnership_chair",
    "launch.champion_call": "partnership_chair",
    "launch.record_champion_call": "partnership_chair",
    # --- the launch summary (staff of the partnership and its chairs) ---
    "summary.compose": "partnership_chair",
    "summary.save": "partnership_chair",
    "summary.send": "partnership_chair",
    "summary.reset": "partnership_chair",
    "summary.printable": "partnership_chair",
    "api.get_summary": "api",  # the launch summary's api (issue 14 items 3 and 6)
    "api.update_summary": "api",
    "api.send_summary": "api",
    # --- the one-pager (everyone who may see the partnership, viewers included) ---
    "onepager.page": "partnership",
    # --- health (issue 15: everyone given the partnership reads it; conveners record) ---
    "health.page": "partnership",
    "health.record_note": "partnership_staff",
    "health.clear_note": "partnership_staff",
    # --- the wall (launch meeting: anyone of the partnership reads it; staff and chairs change it) ---
    "wall.page": "partnership",
    "wall.add_notes": "partnership_chair",
    "wall.move_note": "partnership_chair",
    "wall.remove_note": "partnership_chair",
    "wall.add_area": "partnership_chair",
    "wall.rename_area": "partnership_chair",
    "wall.add_champion": "partnership_chair",
    "wall.remove_champion": "partnership_chair",
    "wall.refer": "partnership_chair",
    "outreach.my_tasks": "login",
    "outreach.update_task": "partnership_chair",
    "outreach.task_ics": "partnership",
    "outreach.invitation": "partnership_chair",
    "outreach.send_invitation": "partnership_chair",
    "outreach.letter": "partnership_staff",
    "outreach.outbox": "staff",
    "outreach.feed": "public",
    "outreach.rotate_feed": "login",
    "outreach.revoke_feed": "login",
})

ACCESS.update({
    # --- outreach api ---
    "api.create_meeting": "api",
    "api.list_meetings": "api",
    "api.move_meeting": "api",
    "api.get_meeting": "api",
    "api.mark_attendance": "api",
    "api.list_priority_areas": "api",
    "api.create_priority_area": "api",
    "api.add_priority_champion": "api",
    "api.get_health": "api",
    "api.list_health_notes": "api",
    "api.create_health_note": "api",
    "api.clear_health_note": "api",
    "api.record_champion_call": "api",
    "api.list_priority_notes": "api",
    "api.create_priority_note": "api",
    "api.update_priority_note": "api",
    "api.delete_priority_note": "api",
    "api.create_referral": "api",
    "api.rename_priority_area": "api",
    "api.remove_priority_champion": "api",
    "api.list_tasks": "api",
    "api.update_task": "api",
    "api.create_task": "api",
    "api.decide": "api",
    "api.update_member": "api",
})

ACCESS.update({
    # --- action plans (issue 14 item 5): read by the partnership, written by its staff and chairs ---
    "plans.area_plan": "partnership",
    "plans.save_plan": "partnership_chair",
    "plans.add_commitment": "partnership_chair",
    "plans.set_status": "partnership_chair",
    "plans.edit_commitment": "partnership_chair",
    "plans.add_area_note": "partnership_chair",
    "plans.add_commitment_note": "partnership_chair",
    "plans.partnership_plan": "partnership",
    "api.list_commitments": "api",
    "api.create_commitment": "api",
    "api.update_commitment": "api",
    "api.list_progress": "api",
    "api.add_progress": "api",
    "api.get_action_plan": "api",
    "api.put_action_plan": "api",
})

ACCESS.update({
    # --- privacy (export and erase a person: staff only) ---
    "privacy.person": "staff",
    "privacy.export": "staff",
    "privacy.erase": "staff",
})

ACCESS.update({
    # --- contacts: import (files kept per user between steps) and export ---
    "transfer.start": "staff",
    "transfer.mapping": "staff",
    "transfer.preview": "staff",
    "transfer.run": "staff",
    "transfer.done": "staff",
    "transfer.add_candidates": "staff",
    "transfer.undo_ties": "staff",
    "transfer.tie_sources": "staff",
    "transfer.undo_tie_source": "staff",
    "transfer.export_people": "staff",
    "transfer.export_vcards": "staff",
    "transfer.export_organisations": "staff",
    "transfer.export_relationships": "staff",
    # --- contacts: duplicates, merge and undo ---
    "duplicates.index": "staff",
    "duplicates.merge_pair": "staff",
    "duplicates.merged": "staff",
    "duplicates.undo": "staff",
})

ACCESS.update({
    # --- network (the map, keystones and intro paths belong to the partnership) ---
    "api.intro_paths": "api",
    "api.keystones": "api",
})

ACCESS.update({
    # --- contacts api ---
    "api.list_organizations": "api",
    "api.create_organization": "api",
    "api.get_organization": "api",
    "api.update_organization": "api",
    "api.delete_organization": "api",
    "api.list_people": "api",
    "api.create_person": "api",
    "api.possible_duplicates": "api",
    "api.get_person": "api",
    "api.update_person": "api",
    "api.delete_person": "api",
    "api.list_relationships": "api",
    "api.create_relationship": "api",
    "api.delete_relationship": "api",
    "api.list_members": "api",
    "api.add_member": "api",
})

ACCESS.update({
    # --- scoring: trait scores, the chairs' review ---
    "scoring.person_traits": "person",
    "scoring.add_assessment": "staff",
    "scoring.add_partnership_assessment": "partnership_chair",
    "scoring.review": "partnership_chair",
    "scoring.decide": "partnership_chair",
    "api.create_assessment": "api",
    "api.list_suggestions": "api",
})

ACCESS.update({
    # --- network pages ---
    "network.map": "partnership",
    "network.export_json": "partnership",
    "network.export_graphml": "partnership",
    "network.keystones": "partnership",
    "network.person_intro_paths": "person",
})

ACCESS.update({
    # --- network: the map's person panel and its invite layer (JSON for map.js) ---
    "network.map_person": "partnership",
    "network.map_invitees": "partnership",
})
