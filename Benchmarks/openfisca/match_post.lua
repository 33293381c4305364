-- wrk script: POST one enterprise profile to the one-click match API (used by run.sh).
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = '{"kind":"enterprise","date":"2025-06-30","inputs":{"rd_expense":2000000,"rd_expense_last_year":1000000,"newly_recognized_hte":true,"is_soe":false,"tech_contract_income":3000000,"standard_level":"national","science_award_level":"region","science_award_amount":200000,"first_completing_unit":true}}'
