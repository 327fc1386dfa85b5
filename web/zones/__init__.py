"""The routing officers' zone editor (``/ops/zones/``).

A responsibility zone is a department × categories × polygon, edited as a draft and
published after the topology check and the impact preview. The page holds no rules:
its scripts call the zones API (``api.routing.views``) for every list, save, check,
preview, publish and history, and show the API's bilingual answers.
"""
